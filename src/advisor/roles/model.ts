/**
 * Who may do what: owners (ADVISOR_OWNERS) may grant and revoke the other two roles in chat, and do what they allow;
 * managers (ADVISOR_MANAGERS) create polls; facilitators (ADVISOR_FACILITATORS) run surveys. Ids are as the platform
 * gives them (Slack U…, Teams 29:…, CLI names, the web chat's id that "my profile" shows). The environment is the
 * seed; grants made in chat are stored. Polls and surveys ask `hasRole` before they create anything.
 */
import { z } from 'zod';
import type { Ports } from '../../core/ports.js';
import type { UserAddress } from '../../core/event.js';
import { defineCollection } from '../../store/collections.js';
import { recordKey } from '../../store/store.js';

export const GRANTABLE = ['manager', 'facilitator'] as const;
export type GrantableRole = (typeof GRANTABLE)[number];
export type Role = 'owner' | GrantableRole;

const Grant = z.object({ by: z.string().max(200), at: z.string() });
const GrantRecord = z.object({ user: z.string().min(1).max(200), manager: Grant.optional(), facilitator: Grant.optional() });
export type GrantRecord = z.infer<typeof GrantRecord>;

/** Keyed by the user id; few records (the cluster's staff), so one file. */
export const roleGrants = defineCollection('role_grants', GrantRecord, { split: 'single' });
const keyOf = (user: string) => recordKey(user);

/** The roles of a user: from the environment, and granted in chat. An owner may do what the other two may. */
export async function rolesOf(ports: Pick<Ports, 'store' | 'settings'>, user: Pick<UserAddress, 'user'>): Promise<Set<Role>> {
  const seeds = ports.settings.roles;
  const roles = new Set<Role>();
  if (seeds.owners.includes(user.user)) roles.add('owner').add('manager').add('facilitator');
  if (seeds.managers.includes(user.user)) roles.add('manager');
  if (seeds.facilitators.includes(user.user)) roles.add('facilitator');
  const granted = await roleGrants.get(ports.store, keyOf(user.user));
  for (const r of GRANTABLE) if (granted?.[r]) roles.add(r);
  return roles;
}

export async function hasRole(ports: Pick<Ports, 'store' | 'settings'>, user: Pick<UserAddress, 'user'>, role: Role): Promise<boolean> {
  return (await rolesOf(ports, user)).has(role);
}

/** Grants or revokes a role in chat; false when nothing changed. */
export async function setGrant(ports: Pick<Ports, 'store'>, user: string, role: GrantableRole, grant: { by: string; at: string } | undefined): Promise<boolean> {
  let changed = false;
  await roleGrants.update(ports.store, keyOf(user), (current) => {
    const next: GrantRecord = { ...(current ?? { user }), [role]: grant };
    changed = Boolean(current?.[role]) !== Boolean(grant);
    return next.manager || next.facilitator ? next : undefined;
  });
  return changed;
}

/** Everyone with a role, for the `roles` command: the environment's and the chat's. */
export async function allRoles(ports: Pick<Ports, 'store' | 'settings'>): Promise<Record<Role, string[]>> {
  const seeds = ports.settings.roles;
  const out: Record<Role, Set<string>> = { owner: new Set(seeds.owners), manager: new Set(seeds.managers), facilitator: new Set(seeds.facilitators) };
  for (const { value } of (await roleGrants.list(ports.store, '')).records) for (const r of GRANTABLE) if (value[r]) out[r].add(value.user);
  return { owner: [...out.owner].sort(), manager: [...out.manager].sort(), facilitator: [...out.facilitator].sort() };
}

/**
 * Forget me: the user's own grants go; grants they made stay (the grantee keeps the role), with who granted them
 * forgotten.
 */
export async function forgetRoles(ports: Pick<Ports, 'store'>, user: string): Promise<boolean> {
  const own = await roleGrants.delete(ports.store, keyOf(user));
  for (const { key, value } of (await roleGrants.list(ports.store, '')).records) {
    if (GRANTABLE.some((r) => value[r]?.by === user)) {
      await roleGrants.update(ports.store, key, (current) =>
        current ? { ...current, ...Object.fromEntries(GRANTABLE.filter((r) => current[r]?.by === user).map((r) => [r, { ...current[r]!, by: 'forgotten' }])) } : current,
      );
    }
  }
  return own;
}
