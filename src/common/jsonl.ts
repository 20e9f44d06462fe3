/** JSON lines on stdin and stdout, for the CLI's scriptable commands: one answer line per input line, in order. */
import readline from 'node:readline';
import type { z } from 'zod';

/** Writes one line and waits until it is handed to the OS, so a reader sees each answer as soon as it exists. */
export function writeLine(obj: unknown): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(`${JSON.stringify(obj)}\n`, (e) => (e ? reject(e) : resolve())));
}


/** A zod error's first issue as "path: message" (`where` names an issue of the whole value). */
export function issueText(e: z.ZodError, where = 'line'): string {
  const i = e.issues[0]!;
  return `${i.path.join('.') || where}: ${i.message}`;
}

/**
 * Reads JSON lines from stdin and writes exactly one JSON line per input line, in order: the handler's answer, or
 * {"error": "..."} for a line that is not valid JSON or does not match the schema. The session always goes on.
 */
export async function eachJsonLine<S extends z.ZodType>(schema: S, example: string, handle: (input: z.infer<S>) => Promise<unknown>): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      await writeLine({ error: `line is not valid JSON; expected an object such as ${example}` });
      continue;
    }
    const parsed = schema.safeParse(raw);
    await writeLine(parsed.success ? await handle(parsed.data) : { error: `invalid input: ${issueText(parsed.error)}` });
  }
}

