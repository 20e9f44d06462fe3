/** Slack installations (OAuth, distributed app) kept in the project's Store, so every instance sees them. */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { recordKey, type JsonValue, type Store } from '../../store/store.js';

function keyOf(q: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return recordKey('enterprise', q.enterpriseId);
  if (q.teamId) return recordKey('team', q.teamId);
  throw new Error('an installation needs a team id or an enterprise id');
}

export class StoreInstallationStore implements InstallationStore {
  constructor(private readonly store: Store) {}

  async storeInstallation(installation: Installation): Promise<void> {
    await this.store.put(
      'installations',
      keyOf({ isEnterpriseInstall: installation.isEnterpriseInstall, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id }),
      installation as unknown as JsonValue,
    );
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await this.store.get<Installation>('installations', keyOf(query));
    if (!found) throw new Error('no installation for this workspace');
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.store.delete('installations', keyOf(query));
  }
}
