import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has working defaults and no channel without credentials', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.DATA_DIR).toMatch(/\.advisor-data$/);
    expect(c.slackEnabled).toBe(false);
    expect(c.teamsEnabled).toBe(false);
  });

  it('names the variable and what it expects when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*number/i);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'abc', SLACK_SIGNING_SECRET: 's' })).toThrow(/SLACK_BOT_TOKEN: a bot token starting with "xoxb-"/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: Slack needs both/);
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'x' })).toThrow(/MICROSOFT_APP_PASSWORD/);
    expect(() => loadConfig({ DIALOG_IDLE_HOURS: '-1' })).toThrow(ConfigError);
  });

  it('bounds the Web API timeout and the shutdown deadline, with defaults of ten seconds', () => {
    expect(loadConfig({})).toMatchObject({ SLACK_API_TIMEOUT_MS: 10_000, SHUTDOWN_DEADLINE_MS: 10_000 });
    expect(loadConfig({ SLACK_API_TIMEOUT_MS: '2500', SHUTDOWN_DEADLINE_MS: '0' })).toMatchObject({ SLACK_API_TIMEOUT_MS: 2500, SHUTDOWN_DEADLINE_MS: 0 });
    expect(() => loadConfig({ SLACK_API_TIMEOUT_MS: '5' })).toThrow(/SLACK_API_TIMEOUT_MS/);
    expect(() => loadConfig({ SHUTDOWN_DEADLINE_MS: 'soon' })).toThrow(/SHUTDOWN_DEADLINE_MS/);
  });

  it('switches a channel on only when its credentials are complete', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' }).slackEnabled).toBe(true);
    expect(loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 't' }).teamsEnabled).toBe(true);
    // A single-tenant bot (the default) needs its tenant; a managed identity needs no password.
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw' })).toThrow(/MICROSOFT_APP_TENANT_ID/);
    expect(loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: 't' }).teamsEnabled).toBe(true);
    expect(loadConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'MultiTenant' }).teamsEnabled).toBe(true);
    expect(loadConfig({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' }).slackEnabled).toBe(false);
  });

  it('switches the web chat on by default, off with WEB_CHAT=off, and checks the access token', () => {
    expect(loadConfig({}).WEB_CHAT).toBe('on');
    expect(loadConfig({}).WEB_CHAT_ACCESS_TOKEN).toBeUndefined();
    expect(loadConfig({ WEB_CHAT: '' }).WEB_CHAT).toBe('on');
    expect(loadConfig({ WEB_CHAT: 'off' }).WEB_CHAT).toBe('off');
    expect(() => loadConfig({ WEB_CHAT: 'maybe' })).toThrow(/WEB_CHAT: either "on" or "off"/);
    expect(loadConfig({ WEB_CHAT_ACCESS_TOKEN: '' }).WEB_CHAT_ACCESS_TOKEN).toBeUndefined();
    expect(loadConfig({ WEB_CHAT_ACCESS_TOKEN: ' 0123456789abcdef ' }).WEB_CHAT_ACCESS_TOKEN).toBe('0123456789abcdef');
    expect(() => loadConfig({ WEB_CHAT_ACCESS_TOKEN: 'short' })).toThrow(/WEB_CHAT_ACCESS_TOKEN: at least 16 characters/);
    expect(() => loadConfig({ WEB_CHAT_ACCESS_TOKEN: 'sixteen chars&and#more' })).toThrow(/WEB_CHAT_ACCESS_TOKEN: only letters, digits and - \. _ ~/);
  });
});
