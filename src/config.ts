/** Configuration from the environment (and an optional .env), validated once at start. */
import path from 'node:path';
import { z } from 'zod';
import { isTimeZone } from './common/time-zone.js';

/** A list of user ids, separated by commas or spaces; each as the platform gives it. */
const userIds = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(z.string().max(200, 'a user id is at most 200 characters').regex(/^[^\u0000-\u001f\u007f]+$/, 'a user id has no control characters')).max(1000));

const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./.advisor-data'),
    /** PostgreSQL instead of the embedded store (several instances on one database); nothing is then written under DATA_DIR. */
    DATABASE_URL: optionalSecret.pipe(z.string().regex(/^postgres(?:ql)?:\/\/\S+$/, 'a PostgreSQL URL such as postgres://user:password@host:5432/advisor').optional()),
    /** Folder of the curated dataset; a deployment may point at its own copy. */
    KNOWLEDGE_DIR: z.string().min(1).default('./data'),
    INTENTS_DIR: z.string().min(1).default('./intents'),
    /** Cache of the trained intent model, so restarts skip training; derived data, safe to delete. */
    MODEL_CACHE_DIR: z.string().min(1).default('./node_modules/.cache/sme-advisor'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * With DATABASE_URL (several instances): how long an instance holds a turn it runs; a turn whose instance died is
     * taken over by another after it. Far above any turn's time (a turn takes well under a second).
     */
    INBOX_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
    /** Idle time after which an unfinished dialogue is closed. */
    DIALOG_IDLE_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
    DEFAULT_LOCALE: z.enum(['en', 'de', 'sv']).default('en'),
    /** The local web chat (page, /api/chat, /api/outbox); off leaves them unmounted. Blank means the default. */
    WEB_CHAT: optionalSecret.pipe(z.enum(['on', 'off'], 'either "on" or "off"').default('on')),
    /** When set, the web chat is only for visitors who opened it with `/?token=<token>` (or API clients sending it as a Bearer token). */
    WEB_CHAT_ACCESS_TOKEN: optionalSecret.pipe(
      z
        .string()
        .min(16, 'at least 16 characters; use a long random string, e.g. the output of `openssl rand -hex 24`')
        .max(1000, 'at most 1000 characters')
        .regex(/^[A-Za-z0-9._~-]+$/, 'only letters, digits and - . _ ~, so that it stands in a link as it is')
        .optional(),
    ),
    SLACK_BOT_TOKEN: optionalSecret.pipe(z.string().startsWith('xoxb-', 'a bot token starting with "xoxb-"').optional()),
    SLACK_SIGNING_SECRET: optionalSecret,
    SLACK_APP_TOKEN: optionalSecret.pipe(z.string().startsWith('xapp-', 'an app-level token starting with "xapp-"').optional()),
    SLACK_API_URL: optionalSecret.pipe(z.string().url('an absolute URL such as https://slack.com/api/').optional()),
    /** Slack Web API calls (and response_url posts) give up after this long; the inbox then retries the turn. */
    SLACK_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** May grant and revoke the other roles in chat, and do what they allow (user ids, comma-separated). */
    ADVISOR_OWNERS: userIds,
    /** May create polls. */
    ADVISOR_MANAGERS: userIds,
    /** May run surveys. */
    ADVISOR_FACILITATORS: userIds,
    /** The time zone of users whose platform and profile give none (closing times typed without an offset, reminders). */
    ADVISOR_DEFAULT_TIMEZONE: z
      .string()
      .default('Europe/Brussels')
      .refine((tz) => isTimeZone(tz), 'an IANA time zone such as Europe/Brussels or Europe/Stockholm'),
    /**
     * The key of the keyed hash that stands for the voter in anonymous polls. Unset: one is made on first start and kept
     * in the store. Changing it makes every open anonymous poll forget who voted (each member could vote again).
     */
    ADVISOR_VOTE_SECRET: optionalSecret.pipe(z.string().min(32, 'at least 32 characters, e.g. the output of `openssl rand -hex 32`').optional()),
    /** A Bot Connector call (a Teams reply, update, members) gives up after this long; the inbox then retries the turn. */
    TEAMS_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** On SIGTERM, how long turns in progress may take before they are handed back to the inbox and the process exits. */
    SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    SLACK_CLIENT_ID: optionalSecret,
    SLACK_CLIENT_SECRET: optionalSecret,
    SLACK_STATE_SECRET: optionalSecret,
    MICROSOFT_APP_ID: optionalSecret,
    MICROSOFT_APP_PASSWORD: optionalSecret,
    MICROSOFT_APP_TENANT_ID: optionalSecret,
    /** Azure creates new bots as SingleTenant or with a user-assigned managed identity; MultiTenant only for old ones. */
    MICROSOFT_APP_TYPE: optionalSecret.pipe(z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI'], 'SingleTenant, MultiTenant or UserAssignedMSI').default('SingleTenant')),
    /** The https address Teams and its clients reach this server at: download links of files, the app package. */
    PUBLIC_URL: optionalSecret.pipe(z.string().url('an absolute URL such as https://advisor.example.org').optional()),
  })
  .superRefine((c, ctx) => {
    const oauth = [c.SLACK_CLIENT_ID, c.SLACK_CLIENT_SECRET, c.SLACK_STATE_SECRET];
    if (oauth.some(Boolean) && !oauth.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: [['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'][oauth.findIndex((v) => !v)]!],
        message: 'a distributable Slack app needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together',
      });
    }
    if (oauth.every(Boolean) && !c.SLACK_SIGNING_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'the OAuth (distributable) Slack app also needs SLACK_SIGNING_SECRET' });
    }
    if (Boolean(c.SLACK_BOT_TOKEN) !== Boolean(c.SLACK_SIGNING_SECRET) && !c.SLACK_APP_TOKEN && !oauth.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.SLACK_BOT_TOKEN ? 'SLACK_SIGNING_SECRET' : 'SLACK_BOT_TOKEN'],
        message: 'Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    // A managed identity has no password; the other two app types need one, and a single-tenant bot its tenant.
    if (c.MICROSOFT_APP_ID && c.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !c.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_PASSWORD'], message: `a ${c.MICROSOFT_APP_TYPE} Teams bot needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD together` });
    }
    if (!c.MICROSOFT_APP_ID && (c.MICROSOFT_APP_PASSWORD || c.MICROSOFT_APP_TENANT_ID)) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_ID'], message: 'Teams needs MICROSOFT_APP_ID with MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID' });
    }
    if (c.MICROSOFT_APP_ID && c.MICROSOFT_APP_TYPE !== 'MultiTenant' && !c.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_TENANT_ID'], message: `a ${c.MICROSOFT_APP_TYPE} Teams bot needs its tenant id (MICROSOFT_APP_TENANT_ID)` });
    }
  });

export type Config = z.infer<typeof ConfigSchema> & {
  slackEnabled: boolean;
  /** MICROSOFT_APP_ID is set: /api/messages authenticates every request (else it is for local development only). */
  teamsEnabled: boolean;
};

/** True for a HOST only this machine can reach: where the unauthenticated Teams endpoint may run. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Thrown when the environment is invalid; the message names each bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Parses the environment; throws ConfigError naming every bad variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const c = parsed.data;
  return {
    ...c,
    DATA_DIR: path.resolve(c.DATA_DIR),
    KNOWLEDGE_DIR: path.resolve(c.KNOWLEDGE_DIR),
    INTENTS_DIR: path.resolve(c.INTENTS_DIR),
    MODEL_CACHE_DIR: path.resolve(c.MODEL_CACHE_DIR),
    slackEnabled: Boolean(
      (c.SLACK_BOT_TOKEN && c.SLACK_SIGNING_SECRET) || (c.SLACK_BOT_TOKEN && c.SLACK_APP_TOKEN) || (c.SLACK_CLIENT_ID && c.SLACK_CLIENT_SECRET && c.SLACK_STATE_SECRET && c.SLACK_SIGNING_SECRET),
    ),
    teamsEnabled: Boolean(c.MICROSOFT_APP_ID),
  };
}

/** Loads ./.env (if present) into process.env without overriding variables already set. */
export async function loadDotEnv(file = '.env'): Promise<void> {
  const { default: dotenv } = await import('dotenv');
  dotenv.config({ path: file, quiet: true });
}
