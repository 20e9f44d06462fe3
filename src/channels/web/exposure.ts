/** What the start banner says about the web chat: whether it is on, where, and who can reach it. */

export interface WebChatExposureConfig {
  HOST: string;
  WEB_CHAT: 'on' | 'off';
  WEB_CHAT_ACCESS_TOKEN?: string | undefined;
}

/** Interfaces only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The banner lines (without indentation) for the web chat, e.g. `web chat    on  http://127.0.0.1:3978/`, and a
 * plain warning when the server listens on an address other machines can reach. `baseUrl` is the address it
 * listens on, with the port it actually bound, without a trailing slash.
 */
export function webChatExposure(config: WebChatExposureConfig, baseUrl: string): string[] {
  if (config.WEB_CHAT === 'off') return ['web chat    off (WEB_CHAT=off)'];
  const token = config.WEB_CHAT_ACCESS_TOKEN !== undefined;
  const lines = [`web chat    on  ${baseUrl}/${token ? ` (visitors need the access token: open ${baseUrl}/?token=<WEB_CHAT_ACCESS_TOKEN>)` : ''}`];
  if (!isLoopbackHost(config.HOST)) {
    lines.push(
      token
        ? `            HOST=${config.HOST} can be reached from other machines; the web chat is protected by WEB_CHAT_ACCESS_TOKEN.`
        : `            HOST=${config.HOST} can be reached from other machines: anyone who can reach this address can use the web chat. Set WEB_CHAT_ACCESS_TOKEN to protect it, or WEB_CHAT=off.`,
    );
  }
  return lines;
}
