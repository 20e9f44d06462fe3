/** What the profile feature says. */
import { defineMessages } from '../../core/i18n.js';
import type { Sector } from './model.js';

export const profileMessages = defineMessages({
  en: {
    sectors: {
      automotive: 'Automotive',
      ict: 'ICT / software',
      green_tech: 'Green technologies',
      food: 'Food and drink',
      medtech: 'Medtech',
      machinery: 'Machinery',
      textiles: 'Textiles',
      construction: 'Construction',
      chemicals: 'Chemicals and plastics',
      logistics: 'Logistics',
      other: 'Other',
    } satisfies Record<Sector, string>,
    profile: (country: string | undefined, sector: string | undefined) =>
      `**Your profile**\nCountry: ${country ?? 'not set'}\nSector: ${sector ?? 'not set'}\nChange it by typing e.g. _my country is Sweden_ or _set sector automotive_; **clear profile** deletes it.`,
    edit: 'Edit profile',
    formTitle: 'Your profile',
    formSubmit: 'Save',
    countryField: 'Country of your company',
    sectorField: 'Sector',
    askCountry: 'Which country is your company based in? Then I can add national agencies. Pick one, or type e.g. _my country is Sweden_.',
    askSector: 'Which sector are you in? It sharpens my answers. Pick one, or type e.g. _set sector automotive_.',
    savedCountry: (country: string, hasAgencies: boolean, askSector: boolean) =>
      `Saved: your company is in **${country}**.${hasAgencies ? '' : ' I have no national agencies for it yet, so I will show EU-wide ones.'}${askSector ? ' You can also tell me your sector, e.g. _set sector automotive_.' : ''}`,
    savedSector: (sector: string) => `Saved: your sector is **${sector}**.`,
    unknownCountry: (typed: string) => `I don't know the country “${typed}”. Type its English name, e.g. _my country is Sweden_, or a two-letter code such as SE.`,
    unknownSector: (typed: string, all: string) => `I don't know the sector “${typed}”. Choose one of: ${all}.`,
    noCountryChosen: 'Please choose the country of your company.',
    cleared: 'Your profile (country and sector) was deleted.',
    noProfile: 'You have no saved profile.',
    forgot: (existed: boolean) => (existed ? 'your profile' : 'no profile (none was saved)'),
    help: 'Profile: **my profile**, _my country is Sweden_, _set sector automotive_, **clear profile**.',
  },
});
