/**
 * Roles in chat: `roles` lists who may create polls and run surveys; owners grant and revoke with `role add <user>
 * manager|facilitator` and `role remove …` (in German and Swedish too). Polls and surveys ask `hasRole` (model.ts).
 */
import { z } from 'zod';
import type { Lang } from '../../common/lang.js';
import type { CommandArgs } from '../../core/commands.js';
import type { TurnContext } from '../../core/context.js';
import { AdvisorError } from '../../core/errors.js';
import { command, defineFeature, wordsIn as words } from '../../core/feature.js';
import { quoteUserText } from '../../core/text.js';
import { rolesMessages as m } from './messages.js';
import { GRANTABLE, allRoles, forgetRoles, hasRole, roleGrants, setGrant, type GrantableRole } from './model.js';

const ROLES = 'roles';

/** The words for each role, in every language (a German owner may type "manager" as well as "Moderator"). */
const ROLE_WORDS: Record<GrantableRole, readonly string[]> = {
  manager: ['manager', 'managerin', 'clustermanager', 'ansvarig', 'klusteransvarig'],
  facilitator: ['facilitator', 'moderator', 'moderatorin', 'samtalsledare', 'facilitatorin'],
};
const roleNamed = (word: string): GrantableRole | undefined => GRANTABLE.find((r) => ROLE_WORDS[r].includes(word.toLowerCase()));

const Grant = z
  .object({ args: z.array(z.string()).length(2, 'give the user and the role, e.g. role add U012AB manager') })
  .transform((a: Pick<CommandArgs, 'args'>) => ({ user: a.args[0]!.replace(/^@/, ''), roleWord: a.args[1]! }))
  .refine((a) => a.user.length <= 200 && /^[^\u0000-\u001f\u007f\s]+$/.test(a.user), 'the user id has no spaces or control characters, at most 200 characters')
  .refine((a) => roleNamed(a.roleWord) !== undefined, 'the role is manager or facilitator');

async function ownersOnly(ctx: TurnContext): Promise<void> {
  if (await hasRole(ctx.ports, ctx.user, 'owner')) return;
  throw new AdvisorError('NOT_ALLOWED', m(ctx.lang).onlyOwners(ctx.ports.settings.roles.owners.map((o) => quoteUserText(o, 60)).join(', ')));
}

const change =
  (grant: boolean) =>
  async (ctx: TurnContext, a: { user: string; roleWord: string }): Promise<void> => {
    await ownersOnly(ctx);
    const t = m(ctx.lang);
    const role = roleNamed(a.roleWord)!;
    const user = quoteUserText(a.user, 60);
    const changed = await setGrant(ctx.ports, a.user, role, grant ? { by: ctx.user.user, at: ctx.now.toISOString() } : undefined);
    await ctx.say({ text: grant ? (changed ? t.granted(user, t.role[role]) : t.alreadyHad(user, t.role[role])) : changed ? t.revoked(user, t.role[role]) : t.notGranted(user, t.role[role]) });
  };

async function list(ctx: TurnContext): Promise<void> {
  const t = m(ctx.lang);
  const all = await allRoles(ctx.ports);
  const lines = (['owner', 'manager', 'facilitator'] as const).map((r) => `• ${t.names[r]}: ${all[r].length ? all[r].map((u) => quoteUserText(u, 60)).join(', ') : t.nobody}`);
  await ctx.say({ text: t.list(lines.join('\n')) });
}

const usage = (lang: Lang) => m(lang).usage;

export const roles = defineFeature({
  id: ROLES,
  collections: [roleGrants],
  commands: [
    command(ROLES, { id: 'roles.list', words: words(['roles', 'list roles', 'who are the managers'], ['rollen', 'rollen anzeigen'], ['roller', 'visa roller']), run: list }),
    command(ROLES, { id: 'roles.add', words: words(['role add', 'grant role'], ['rolle hinzufügen', 'rolle vergeben'], ['roll lägg till', 'ge roll']), args: Grant, usage, run: change(true) }),
    command(ROLES, { id: 'roles.remove', words: words(['role remove', 'revoke role'], ['rolle entfernen', 'rolle entziehen'], ['roll ta bort', 'ta bort roll']), args: Grant, usage, run: change(false) }),
  ],
  forget: async (user, ports, lang) => ((await forgetRoles(ports, user.user)) ? m(lang).forgot : undefined),
  help: (lang) => m(lang).help,
});
