/** Messages in other languages are told which languages the advisor speaks; English, German and Swedish never are. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foreignLanguage } from '../../src/nlu/foreign.js';
import { loadHeldOut, loadIntentFiles } from '../../src/nlu/intents.js';
import { ROOT } from '../helpers/tmp.js';

const INTENTS = path.join(ROOT, 'intents');

describe('other languages', () => {
  it.each([
    ['fr', 'Comment obtenir un numéro EORI pour mon entreprise ?'],
    ['es', '¿Cómo puedo exportar mis productos a Alemania?'],
    ['it', 'Come posso esportare i miei prodotti in Germania?'],
    ['nl', 'Hoe kan ik mijn producten exporteren naar Duitsland?'],
    ['pl', 'Jak mogę eksportować moje produkty do Niemiec?'],
    ['fi', 'Miten voin viedä tuotteitani Saksaan?'],
    ['da', 'Hvordan kan jeg eksportere til Sverige? Jeg har ikke en EORI'],
  ])('recognises %s', (lang, text) => {
    expect(foreignLanguage(text)).toBe(lang);
  });

  it('never takes a training or held-out utterance in English, German or Swedish for another language', () => {
    const texts = [
      ...loadIntentFiles(INTENTS).flatMap((f) => Object.values(f.utterances).flat()),
      ...loadHeldOut(INTENTS).map((h) => h.text),
      ...loadHeldOut(INTENTS, 'faq').map((h) => h.text),
    ];
    expect(texts.length).toBeGreaterThan(3000);
    expect(texts.filter((t) => foreignLanguage(t) !== undefined)).toEqual([]);
    expect(fs.existsSync(path.join(INTENTS, 'heldout', 'faq-en.json'))).toBe(true);
    // Words other languages share with German and Swedish, and the CE mark, make nothing foreign.
    for (const t of ['Brauche ich CE des Herstellers', 'Ja, Firma Müller aus Polen', 'Es gibt da eine Frage zur EU', 'Ja, de har inte CE-märkning']) expect(foreignLanguage(t), t).toBeUndefined();
  });
});
