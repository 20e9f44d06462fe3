/**
 * Reading one folder of data/: every `*.json` in it is an array of records, each validated with the kind's schema.
 * Every problem names the file (as `data/<folder>/<file>`), the record (its id, url or position) and what is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** One problem found in the data: the file, the record id (when known) and what is wrong. */
export interface DataProblem {
  file: string;
  id?: string;
  problem: string;
}

/** `data/<relative path>`: how problems name a file, whatever the data folder is called on disk. */
export function dataPath(dir: string, p: string): string {
  return path.join(path.basename(dir), path.relative(dir, p));
}

/**
 * The valid records of `dir/sub/*.json`, in file order, with the file each came from; the problems go to `problems`.
 * A missing folder is a problem when `required`, else there is simply nothing in it.
 */
export function readDataFolder<T>(dir: string, sub: string, schema: z.ZodType<T>, problems: DataProblem[], options: { required: boolean }): { record: T; file: string }[] {
  const folder = path.join(dir, sub);
  let files: string[] = [];
  try {
    files = fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  } catch {
    if (options.required) problems.push({ file: dataPath(dir, folder), problem: 'folder is missing or unreadable' });
    return [];
  }
  const out: { record: T; file: string }[] = [];
  for (const f of files) {
    const file = dataPath(dir, path.join(folder, f));
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8'));
    } catch (e) {
      problems.push({ file, problem: `not valid JSON: ${(e as Error).message}` });
      continue;
    }
    if (!Array.isArray(raw)) {
      problems.push({ file, problem: 'must be a JSON array of records' });
      continue;
    }
    raw.forEach((item, index) => {
      const parsed = schema.safeParse(item);
      const o = item as { id?: unknown; url?: unknown } | null;
      const id = typeof o?.id === 'string' ? o.id : typeof o?.url === 'string' ? o.url : `#${index}`;
      if (parsed.success) out.push({ record: parsed.data, file });
      else for (const issue of parsed.error.issues) problems.push({ file, id, problem: `${issue.path.join('.') || '(record)'}: ${issue.message}` });
    });
  }
  return out;
}
