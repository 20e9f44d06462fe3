/** What the roles feature says. */
import { defineMessages } from '../../core/i18n.js';
import type { Role } from './model.js';

export const rolesMessages = defineMessages({
  en: {
    names: { owner: 'owners', manager: 'managers (may create polls)', facilitator: 'facilitators (may run surveys)' } satisfies Record<Role, string>,
    role: { manager: 'manager', facilitator: 'facilitator' },
    list: (lines: string) => `**Roles**\n${lines}`,
    nobody: 'nobody',
    granted: (user: string, role: string) => `Done: ${user} is now a ${role}.`,
    alreadyHad: (user: string, role: string) => `${user} is already a ${role}; nothing changed.`,
    revoked: (user: string, role: string) => `Done: ${user} is no longer a ${role}.`,
    notGranted: (user: string, role: string) => `${user} has no ${role} role granted in chat; nothing changed. (A role from the advisor's settings can only be changed there.)`,
    onlyOwners: (owners: string) => `Only the advisor's owners can grant or revoke roles${owners ? ` (${owners})` : ''}.`,
    usage: '**role add** _user_ **manager** (or **facilitator**), **role remove** _user_ **manager**, **roles**',
    help: '**roles** lists who may create polls and run surveys; owners grant them with **role add** _user_ **manager**.',
    forgot: 'your roles',
  },
  de: {
    names: { owner: 'Inhaber', manager: 'Manager (dürfen Umfragen anlegen)', facilitator: 'Moderatoren (dürfen Befragungen durchführen)' },
    role: { manager: 'Manager', facilitator: 'Moderator' },
    list: (lines: string) => `**Rollen**\n${lines}`,
    nobody: 'niemand',
    granted: (user: string, role: string) => `Erledigt: ${user} ist jetzt ${role}.`,
    alreadyHad: (user: string, role: string) => `${user} ist bereits ${role}; es wurde nichts geändert.`,
    revoked: (user: string, role: string) => `Erledigt: ${user} ist nicht mehr ${role}.`,
    notGranted: (user: string, role: string) => `${user} hat keine im Chat vergebene Rolle ${role}; es wurde nichts geändert. (Eine Rolle aus den Einstellungen des Beraters lässt sich nur dort ändern.)`,
    onlyOwners: (owners: string) => `Rollen vergeben und entziehen können nur die Inhaber des Beraters${owners ? ` (${owners})` : ''}.`,
    usage: '**rolle hinzufügen** _Nutzer_ **manager** (oder **moderator**), **rolle entfernen** _Nutzer_ **manager**, **rollen**',
    help: 'Mit **rollen** sehen Sie, wer Umfragen anlegen und Befragungen durchführen darf; Inhaber vergeben die Rollen mit **rolle hinzufügen** _Nutzer_ **manager**.',
    forgot: 'Ihre Rollen',
  },
  sv: {
    names: { owner: 'ägare', manager: 'ansvariga (får skapa omröstningar)', facilitator: 'samtalsledare (får genomföra enkäter)' },
    role: { manager: 'ansvarig', facilitator: 'samtalsledare' },
    list: (lines: string) => `**Roller**\n${lines}`,
    nobody: 'ingen',
    granted: (user: string, role: string) => `Klart: ${user} är nu ${role}.`,
    alreadyHad: (user: string, role: string) => `${user} är redan ${role}; ingenting har ändrats.`,
    revoked: (user: string, role: string) => `Klart: ${user} är inte längre ${role}.`,
    notGranted: (user: string, role: string) => `${user} har ingen roll som ${role} som getts i chatten; ingenting har ändrats. (En roll från rådgivarens inställningar kan bara ändras där.)`,
    onlyOwners: (owners: string) => `Bara rådgivarens ägare kan ge och ta bort roller${owners ? ` (${owners})` : ''}.`,
    usage: '**roll lägg till** _användare_ **ansvarig** (eller **samtalsledare**), **roll ta bort** _användare_ **ansvarig**, **roller**',
    help: 'Med **roller** ser du vem som får skapa omröstningar och genomföra enkäter; ägare ger rollerna med **roll lägg till** _användare_ **ansvarig**.',
    forgot: 'dina roller',
  },
});
