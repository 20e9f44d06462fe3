/** What "forget me" says. */
import { defineMessages } from '../../core/i18n.js';

export const privacyMessages = defineMessages({
  en: {
    confirm: 'This deletes your profile, your saved 5-Whys analyses and your open dialogues with me, everywhere. It cannot be undone. Delete? Type **yes** or **no**.',
    yesButton: 'Yes, delete my data',
    noButton: 'No',
    kept: 'Nothing was deleted.',
    confirmedNote: '_You confirmed the deletion of your data._',
    keptNote: '_You chose to keep your data._',
    nothingPending: 'There is no deletion waiting for confirmation. Type **forget me** to delete your data.',
    dialogues: (n: number) => `${n} open dialogue${n === 1 ? '' : 's'}`,
    done: (list: string) => `Done. I deleted ${list}. I no longer hold any data about you.`,
    and: 'and',
    yes: ['yes', 'y', 'yep', 'yeah', 'ok', 'okay', 'sure', 'confirm'],
    no: ['no', 'n', 'nope', 'nah'],
    help: '**forget me** deletes everything I hold about you.',
  },
});
