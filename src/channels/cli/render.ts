/** Renders neutral replies for a terminal. */
import type { Reply } from '../../core/types.js';

/** Plain text for a terminal: markdown markers removed, links listed, buttons numbered for "!n". */
export function renderForTerminal(replies: Reply[], firstButton = 1): { text: string; buttons: Reply['buttons'] } {
  const parts: string[] = [];
  const buttons: NonNullable<Reply['buttons']> = [];
  for (const r of replies) {
    const lines = [r.audience === 'channel' ? '[shared to the conversation]' : undefined, r.text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/(^|\s)_(.+?)_(?=\s|$|[.,:;!?])/g, '$1$2')];
    if (r.links?.length) lines.push(r.links.map((l) => `  → ${l.label}: ${l.url}`).join('\n'));
    if (r.context) lines.push(`  (${r.context})`);
    if (r.buttons?.length) {
      lines.push(r.buttons.map((b) => `  [!${firstButton + buttons.length + r.buttons!.indexOf(b)}] ${b.label}`).join('\n'));
      buttons.push(...r.buttons);
    }
    parts.push(lines.filter(Boolean).join('\n'));
  }
  return { text: parts.join('\n\n'), buttons };
}
