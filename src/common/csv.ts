/** CSV for spreadsheets: csv-stringify, UTF-8 with a BOM, CRLF, and cells that a spreadsheet would run as formulas neutralised. */
import { stringify } from 'csv-stringify/sync';

/**
 * csv-stringify's escape_formulas prefixes ' to cells that begin with = + - @ tab or carriage return; a leading line
 * feed, NUL or a full-width ＝＋－＠ (which some spreadsheets read as formulas too) get the same prefix here.
 */
function guard(cell: string | number): string | number {
  return typeof cell === 'string' && /^[\n\u0000＝＋－＠]/.test(cell) ? `'${cell}` : cell;
}

export function csvBytes(rows: readonly (readonly (string | number)[])[]): Uint8Array {
  const text = stringify(rows.map((r) => r.map(guard)), { bom: true, escape_formulas: true, record_delimiter: 'windows' });
  return new TextEncoder().encode(text);
}
