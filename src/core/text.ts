/** Helpers for user-supplied text: normalising input and neutralising it before it is echoed back. */

/** Removes control characters (keeping newlines and tabs), normalises Unicode and trims. */
export function normaliseInput(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]/g, ' ')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/**
 * Makes user text safe to embed in any channel's markup: no mention can ping (<!channel>, @here, <@U…>),
 * no markdown or HTML formatting is injected, and it stays one line of bounded length.
 * Adapters still escape for their own format; this removes what escaping alone cannot (e.g. "@channel").
 */
export function quoteUserText(text: string, max = 300): string {
  let t = normaliseInput(text).replace(/\s+/g, ' ');
  if (t.length > max) t = `${t.slice(0, max - 1)}…`;
  return t
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/[*_~`|]/g, (c) => ({ '*': '∗', _: '‗', '~': '∼', '`': 'ʼ', '|': '¦' })[c] ?? c)
    .replace(/\[/g, '⁅')
    .replace(/\]/g, '⁆')
    // The brackets of a moment mark (message.ts), so that user text cannot forge one.
    .replace(/[⟦⟧]/g, (c) => (c === '⟦' ? '⁅' : '⁆'))
    .replace(/@(?=(here|channel|everyone|all)\b)/gi, '@\u2060')
    .replace(/#(?=\w)/g, '#\u2060');
}
