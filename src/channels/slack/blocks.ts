/** Renders the core's neutral replies as Slack Block Kit, typed with @slack/types so the compiler checks the shapes. */
import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Reply } from '../../core/types.js';

/** Slack's limits (Block Kit reference): section text 3 000 characters, button text 75, value 2 000, 25 buttons. */
const SECTION_LIMIT = 3000;
const BUTTON_TEXT_LIMIT = 75;
const BUTTONS_PER_BLOCK = 25;

/** Escapes the three characters Slack treats as control characters in message text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The core's light markdown (**bold**, _italic_, bullets) as Slack mrkdwn, escaped. */
export function toMrkdwn(markdown: string): string {
  return escapeSlack(markdown).replace(/\*\*(.+?)\*\*/g, '*$1*');
}

/** Plain text for notifications and clients without blocks: markdown marks removed. */
export function toPlain(markdown: string): string {
  return escapeSlack(markdown.replace(/\*\*(.+?)\*\*/g, '$1'));
}

/** action_id must be unique within a block; the core's ids repeat (three quick picks), so an index is appended. */
export function encodeActionId(id: string, index: number): string {
  return `${id}#${index}`;
}

export function decodeActionId(actionId: string): string {
  return actionId.replace(/#\d+$/, '');
}

function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= limit) current = candidate;
    else {
      if (current) parts.push(current);
      // A single line longer than the limit is cut; Slack would reject the whole message otherwise.
      current = line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
    }
  }
  if (current) parts.push(current);
  return parts;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Blocks and the fallback text of one reply. */
export function renderReply(reply: Reply): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = splitText(toMrkdwn(reply.text), SECTION_LIMIT).map(
    (part): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: part } }),
  );
  if (reply.links?.length) {
    const list = reply.links.map((l) => `• <${l.url}|${escapeSlack(l.label).replace(/\|/g, '¦')}>`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(list, SECTION_LIMIT) } });
  }
  if (reply.file) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${truncate(escapeSlack(reply.file.content), SECTION_LIMIT - 6)}\`\`\`` } });
  }
  if (reply.context) {
    const context: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(toMrkdwn(reply.context), SECTION_LIMIT) }] };
    blocks.push(context);
  }
  const buttons = reply.buttons ?? [];
  for (let start = 0; start < buttons.length; start += BUTTONS_PER_BLOCK) {
    const elements = buttons.slice(start, start + BUTTONS_PER_BLOCK).map((b, i): Button => {
      const button: Button = {
        type: 'button',
        text: { type: 'plain_text', text: truncate(b.label, BUTTON_TEXT_LIMIT), emoji: true },
        action_id: encodeActionId(b.action.id, start + i),
        value: b.action.value,
      };
      if (b.style) button.style = b.style;
      return button;
    });
    const actions: ActionsBlock = { type: 'actions', elements };
    blocks.push(actions);
  }
  return { text: truncate(toPlain(reply.text), 3000), blocks };
}

/**
 * Slack's own markup in user text turned into plain words: entities unescaped, mentions and links reduced to their
 * labels. What is echoed back later goes through the core's quoteUserText, so nothing here can ping anyone.
 */
export function fromSlackText(text: string, botUserId?: string): string {
  return text
    .replace(botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /(?!)/g, ' ')
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, '@$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(\|([^>]*))?>/g, '@$2')
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
