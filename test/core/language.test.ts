/**
 * The reply language: the user's choice wins; otherwise the message's language when it is clear, else the
 * conversation's, else the platform locale. Typed in any of the three languages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/core/format.js';
import { TestAdvisor } from '../helpers/advisor.js';

describe('reply language', () => {
  let t: TestAdvisor;
  beforeEach(async () => {
    t = await TestAdvisor.start();
  });
  afterEach(() => t.close());

  it('takes a chosen language in any of the three languages, confirms it in that language, and keeps it', async () => {
    const ann = t.as('ann');
    (await ann.send('Sprache: Deutsch')).expectReply(/Ab jetzt antworte ich auf Deutsch/);
    // An English message is now answered in German: the choice wins over the message's language.
    (await ann.send('my profile')).expectReply(/Antwortsprache: Deutsch/);
    (await ann.send('svara på svenska')).expectReply(/Från och med nu svarar jag på svenska/);
    (await ann.send('show my profile', { locale: 'en-GB' })).expectReply(/Svarsspråk: svenska/);
    (await ann.send('language: automatic')).expectReply(/From now on I answer in the language you write in/);
    (await ann.send('my profile')).expectReply(/Reply language: the language you write in/);
  });

  it('answers a language it does not have with the ones it has, and leaves questions about languages alone', async () => {
    const bob = t.as('bob');
    (await bob.send('language: French')).expectReply(/English, German \(Deutsch\) and Swedish/);
    const question = await bob.send('Should we reply in English to a customer in Norway?');
    expect(question.text()).not.toMatch(/From now on I answer/);
    (await bob.send('my profile')).expectReply(/Reply language: the language you write in/);
  });

  it('sets the language from the profile form too', async () => {
    const eva = t.as('eva');
    const form = await eva.send('my profile');
    const source = form.replies[0]!.id;
    (await eva.press({ id: 'profile.save', value: '', source, fields: { country: 'SE', language: 'sv' } })).expectReply(/svarar jag på svenska/);
    (await eva.send('my profile')).expectReply(/Svarsspråk: svenska/);
  });

  it('follows a clear message, keeps the conversation language for short ones and buttons, and uses the locale when nothing else says', async () => {
    const carl = t.as('carl');
    const language = (text: string) => t.app.ports.matcher.language(text, 'en');
    expect(language('Wie finde ich einen Vertriebspartner in Schweden?')).toBe('de');
    // A long German message sets the conversation's language; a bare "ok" then stays German, as does the profile.
    await carl.send('Wie finde ich einen Vertriebspartner in Schweden?');
    (await carl.send('mein Profil')).expectReply(/Antwortsprache/);
    (await carl.send('profile')).expectReply(/Antwortsprache/);
    // A clear English question switches the conversation to English, and a short reply then stays English.
    (await carl.send('Which grants can pay for our stand at a trade fair abroad?')).expectReply(/What to do:|Which country is your company/);
    (await carl.send('profile')).expectReply(/Reply language/);
    // And back: a clear Swedish question.
    (await carl.send('Vilka bidrag finns för vår monter på en mässa utomlands?')).expectReply(/Gör så här:|I vilket land finns ditt företag/);
    // Nothing but a Swedish locale: a one-word message is answered in Swedish.
    (await t.as('dora').send('profil', { locale: 'sv-SE' })).expectReply(/Svarsspråk/);
    // A clear English message wins over a German locale.
    (await t.as('emil').send('show my profile', { locale: 'de-DE' })).expectReply(/Reply language/);
  });
});

describe('command errors in the reply language', () => {
  it('says what did not fit in German and Swedish, with the usage, and no English', async () => {
    const t = await TestAdvisor.start();
    try {
      const de = await t.as('ute').send('exportieren sieben Analysen bitte');
      de.expectReply(/Diesen Befehl konnte ich nicht lesen: die Angaben nach dem Befehl passen nicht dazu\.\nVerwendung: \*\*exportieren\*\*/);
      expect(de.text()).not.toMatch(/give the number|my analyses/);
      (await t.as('ulf').send('5 varför --snabbt')).expectReply(/Jag kunde inte tolka kommandot: alternativet --snabbt finns inte/);
      (await t.as('ann').send('export seven')).expectReply(/give the number of an analysis from \*\*my analyses\*\*/);
    } finally {
      await t.close();
    }
  });
});

describe('dates for the reply language', () => {
  it('writes a saved analysis date as the reader expects it', () => {
    const at = '2026-12-01T09:00:00.000Z';
    expect([formatDate(at, 'en'), formatDate(at, 'de'), formatDate(at, 'sv')]).toEqual(['1 Dec 2026', '01.12.2026', '1 dec. 2026']);
  });
});
