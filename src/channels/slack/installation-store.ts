/** Slack installations (OAuth, distributed app) kept in the project's Store, so every instance sees them. */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import { defineCollection } from '../../store/collections.js';
import { recordKey, type Store } from '../../store/store.js';

/** Bolt's own type describes the record; the store only checks that it is an object with a team or an enterprise. */
const InstallationRecord = z.custom<Installation>((v) => typeof v === 'object' && v !== null && ('team' in v || 'enterprise' in v), 'a Slack installation');
export const installations = defineCollection('installations', InstallationRecord, { split: 'single' });

function keyOf(q: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return recordKey('enterprise', q.enterpriseId);
  if (q.teamId) return recordKey('team', q.teamId);
  throw new Error('an installation needs a team id or an enterprise id');
}

export class StoreInstallationStore implements InstallationStore {
  constructor(private readonly store: Store) {}

  async storeInstallation(installation: Installation): Promise<void> {
    const key = keyOf({ isEnterpriseInstall: installation.isEnterpriseInstall, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id });
    // A JSON round trip drops the undefined fields Bolt leaves in the object; the store holds JSON only.
    await installations.put(this.store, key, JSON.parse(JSON.stringify(installation)) as Installation);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await installations.get(this.store, keyOf(query));
    if (!found) throw new Error('no installation for this workspace');
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await installations.delete(this.store, keyOf(query));
  }
}
