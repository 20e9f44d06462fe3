/**
 * The session record, one per channel + team + user + conversation + thread: the open dialogue, if any, and the
 * conversation's language when it differs from the user's locale. Reading it
 * closes a dialogue whose version changed, whose state no longer fits, or that sat idle, with the dialogue's notice.
 */
import { z } from 'zod';
import { defineCollection } from '../store/collections.js';
import { LANGS, type Lang } from '../common/lang.js';
import type { AnyDialog } from './dialog.js';
import type { Message } from './message.js';

const OpenDialog = z.object({
  id: z.string(),
  version: z.number().int(),
  state: z.unknown(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type OpenDialog = z.infer<typeof OpenDialog>;

export const SessionSchema = z.object({
  version: z.literal(2),
  dialog: OpenDialog.optional(),
  /** The language last used in this conversation, when the locale or the default would not give it (language.ts). */
  lang: z.enum(LANGS).optional(),
});
export type Session = z.infer<typeof SessionSchema>;

/** Sessions are split into one file per user (channel, team, user: three key segments) in the embedded store. */
export const sessions = defineCollection('dialogs', SessionSchema, { split: 'owner', segments: 3 });

/** Version 1 sessions (before feature modules) kept an open 5-Whys analysis under `whys`; it continues. */
const LegacySession = z.object({ version: z.literal(1), updatedAt: z.string(), whys: z.object({ version: z.number(), startedAt: z.string(), updatedAt: z.string() }).loose().optional() });

export interface ReadSession {
  session: Session;
  /** Notices of dialogues closed on reading. */
  notices: Message[];
}

/** Reads a stored session; `dialogs` finds a dialogue by id. */
export function readSession(raw: unknown, now: Date, lang: Lang, idleHours: number, dialogs: ReadonlyMap<string, AnyDialog>): ReadSession {
  const legacy = LegacySession.safeParse(raw);
  if (legacy.success) {
    const w = legacy.data.whys;
    raw = { version: 2, dialog: w ? { id: 'whys', version: w.version, state: w, startedAt: w.startedAt, updatedAt: w.updatedAt } : undefined };
  }
  const parsed = SessionSchema.safeParse(raw);
  if (!parsed.success) return { session: { version: 2 }, notices: [] };
  const open = parsed.data.dialog;
  if (!open) return { session: parsed.data, notices: [] };
  const dialog = dialogs.get(open.id);
  const kept = parsed.data.lang ? { lang: parsed.data.lang } : {};
  const closed = (notice: Message | undefined): ReadSession => ({ session: { version: 2, ...kept }, notices: notice ? [notice] : [] });
  if (!dialog) return closed(undefined);
  if (open.version !== dialog.version || dialog.parse(open.state) === undefined) return closed(dialog.outdated(lang));
  if (now.getTime() - Date.parse(open.updatedAt) > (dialog.idleHours ?? idleHours) * 3600_000) return closed(dialog.expired(lang));
  return { session: parsed.data, notices: [] };
}
