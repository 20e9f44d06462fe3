/** Renders the JSON contract's replies for a terminal. */
import type { ReplyJson } from '../../core/collect.js';
import type { Button } from '../../core/message.js';

const plain = (md: string) => md.replace(/\*\*(.+?)\*\*/g, '$1').replace(/(^|\s)_(.+?)_(?=\s|$|[.,:;!?])/g, '$1$2');

/** Plain text for a terminal: markdown markers removed, links listed, buttons numbered for "!n", inputs described. */
export function renderForTerminal(replies: ReplyJson[], firstButton = 1): { text: string; buttons: Button[]; input?: ReplyJson['input'] } {
  const parts: string[] = [];
  const buttons: Button[] = [];
  let input: ReplyJson['input'];
  for (const r of replies) {
    const lines = [
      r.to ? `[to ${r.to.user ? `@${r.to.user}` : r.to.conversation}]` : undefined,
      r.audience === 'channel' ? '[shared to the conversation]' : r.audience === 'private' ? '[only you can see this]' : undefined,
      plain(r.text),
    ];
    for (const f of r.facts ?? []) lines.push(`  ${f.label}: ${f.value}`);
    for (const b of r.bars ?? []) {
      const width = b.of > 0 ? Math.round((b.value / b.of) * 20) : 0;
      lines.push(`  ${b.label.padEnd(30)} ${'█'.repeat(width)}${'░'.repeat(20 - width)} ${b.value}/${b.of}${b.note ? ` (${b.note})` : ''}`);
    }
    if (r.links?.length) lines.push(r.links.map((l) => `  → ${l.label}: ${l.url}`).join('\n'));
    if (r.context) lines.push(`  (${r.context})`);
    for (const a of r.attachments ?? []) lines.push(`  [file ${a.name}, ${a.mimeType}, ${Math.round((a.base64.length * 3) / 4)} bytes]`);
    if (r.input) {
      input = r.input;
      lines.push(`  [!form] ${r.input.kind === 'form' ? r.input.title : 'choose'}: type !form to fill it in`);
    }
    if (r.buttons?.length) {
      lines.push(r.buttons.map((b, i) => `  [!${firstButton + buttons.length + i}] ${b.label}`).join('\n'));
      buttons.push(...r.buttons);
    }
    parts.push(lines.filter(Boolean).join('\n'));
  }
  return { text: parts.join('\n\n'), buttons, input };
}
