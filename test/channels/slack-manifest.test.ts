/**
 * manifest.json against the required fields and limits of Slack's published app-manifest schema (a copy of those
 * parts is kept here, since the schema cannot be fetched offline), and against what the code actually uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SLACK_SCOPES } from '../../src/channels/slack/slack.js';
import { ROOT } from '../helpers/tmp.js';

const Url = z.string().url().startsWith('https://');
/** Required fields and limits of Slack's app manifest schema (display_information, features, oauth_config, settings). */
const SlackManifestSchema = z.object({
  _metadata: z.object({ major_version: z.number().int(), minor_version: z.number().int().optional() }).optional(),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140).optional(),
    background_color: z.string().regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/).optional(),
    long_description: z.string().min(175).max(4000).optional(),
  }),
  features: z
    .object({
      app_home: z.object({ home_tab_enabled: z.boolean().optional(), messages_tab_enabled: z.boolean().optional(), messages_tab_read_only_enabled: z.boolean().optional() }).optional(),
      bot_user: z.object({ display_name: z.string().min(1).max(80).regex(/^[a-z0-9][a-z0-9._\- ]*$/i), always_online: z.boolean().optional() }).optional(),
      slash_commands: z
        .array(
          z.object({
            command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
            description: z.string().min(1).max(2000),
            url: Url.optional(),
            usage_hint: z.string().max(1000).optional(),
            should_escape: z.boolean().optional(),
          }),
        )
        .max(50)
        .optional(),
    })
    .optional(),
  oauth_config: z
    .object({
      redirect_urls: z.array(Url).max(1000).optional(),
      scopes: z.object({ bot: z.array(z.string()).max(255).optional(), user: z.array(z.string()).max(255).optional() }).optional(),
    })
    .optional(),
  settings: z
    .object({
      event_subscriptions: z.object({ request_url: Url.optional(), bot_events: z.array(z.string()).max(100).optional(), user_events: z.array(z.string()).max(100).optional() }).optional(),
      interactivity: z.object({ is_enabled: z.boolean(), request_url: Url.optional(), message_menu_options_url: Url.optional() }).optional(),
      org_deploy_enabled: z.boolean().optional(),
      socket_mode_enabled: z.boolean().optional(),
      token_rotation_enabled: z.boolean().optional(),
    })
    .optional(),
});

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));

describe('Slack app manifest', () => {
  it('validates against the required fields of Slack\'s manifest schema', () => {
    expect(SlackManifestSchema.safeParse(manifest).error?.issues ?? []).toEqual([]);
  });

  it('asks for exactly the scopes the code uses, and subscribes to exactly the events it handles', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_SCOPES].sort());
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
    const source = fs.readFileSync(path.join(ROOT, 'src/channels/slack/slack.ts'), 'utf8');
    for (const e of ['app_home_opened', 'app_mention', 'message']) expect(source).toContain(`app.event('${e}'`);
    expect(source).toContain(`app.command('${manifest.features.slash_commands[0].command}'`);
  });

  it('points events, commands and interactivity at the one endpoint, with App Home on', () => {
    const endpoint = manifest.settings.event_subscriptions.request_url;
    expect(endpoint).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.request_url).toBe(endpoint);
    expect(manifest.features.slash_commands[0].url).toBe(endpoint);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.oauth_config.redirect_urls[0]).toMatch(/\/slack\/oauth_redirect$/);
  });
});
