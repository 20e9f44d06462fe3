/** The start banner's lines about the web chat: on or off, where, and who can reach it. */
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, webChatExposure } from '../../src/channels/web/exposure.js';

const BASE = 'http://127.0.0.1:3978';

describe('web chat exposure banner', () => {
  it('says where the web chat is, and nothing more on a loopback address', () => {
    expect(webChatExposure({ HOST: '127.0.0.1', WEB_CHAT: 'on' }, BASE)).toEqual(['web chat    on  http://127.0.0.1:3978/']);
    expect(webChatExposure({ HOST: 'localhost', WEB_CHAT: 'on' }, BASE)).toHaveLength(1);
    expect(webChatExposure({ HOST: '::1', WEB_CHAT: 'on' }, BASE)).toHaveLength(1);
    expect(webChatExposure({ HOST: '0.0.0.0', WEB_CHAT: 'off' }, BASE)).toEqual(['web chat    off (WEB_CHAT=off)']);
  });

  it('warns that anyone who can reach a public address can use it, unless a token protects it', () => {
    const open = webChatExposure({ HOST: '0.0.0.0', WEB_CHAT: 'on' }, BASE);
    expect(open).toHaveLength(2);
    expect(open[1]).toMatch(/anyone who can reach this address can use the web chat\. Set WEB_CHAT_ACCESS_TOKEN/);
    const token = 'do-not-print-this-token';
    const guarded = webChatExposure({ HOST: '192.0.2.10', WEB_CHAT: 'on', WEB_CHAT_ACCESS_TOKEN: token }, BASE);
    expect(guarded[0]).toMatch(/visitors need the access token: open http:\/\/127\.0\.0\.1:3978\/\?token=<WEB_CHAT_ACCESS_TOKEN>/);
    expect(guarded[1]).toMatch(/protected by WEB_CHAT_ACCESS_TOKEN/);
    expect(guarded.join('\n')).not.toContain(token);
  });

  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'advisor.example.org', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });
});
