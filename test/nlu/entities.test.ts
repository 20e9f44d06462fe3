import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntityExtractor } from '../../src/nlu/entities.js';
import { ROOT } from '../helpers/tmp.js';

const extractor = EntityExtractor.load(path.join(ROOT, 'intents'));
const values = (text: string, type: string) => extractor.extract(text).filter((e) => e.type === type).map((e) => e.value);

describe('entities', () => {
  it.each([
    ['We want to sell to Swedish companies', 'SE', 'Swedish'],
    ['our Norwegian clients pay late', 'NO', 'Norwegian'],
    ['Export nach Deutschland', 'DE', 'Deutschland'],
    ['vi säljer till Tyskland', 'DE', 'Tyskland'],
    ['Kunden in Österreich', 'AT', 'Österreich'],
    ['Kunden in Oesterreich', 'AT', 'Oesterreich'],
    ['customers in the United States', 'US', 'United States'],
    ['shipping to the US next year', 'US', 'the US'],
    ['sales in the USA', 'US', 'USA'],
    ['selling in the UK after Brexit', 'GB', 'UK'],
    ['distributors in Germnay', 'DE', 'Germnay'],
    ['marknaden i Nederländerna', 'NL', 'Nederländerna'],
    ['serbische Partner', 'RS', 'serbische'],
    ['till Rumänien', 'RO', 'Rumänien'],
  ])('finds the country in %j', (text, code, surface) => {
    expect(extractor.extract(text).filter((e) => e.type === 'country')).toContainEqual({ type: 'country', value: code, text: surface });
  });

  it('does not see countries in ordinary words', () => {
    expect(values('let us discuss this with them', 'country')).toEqual([]);
    expect(values('wir können das morgen besprechen', 'country')).toEqual([]);
    expect(values('vi kan prata om det i morgon', 'country')).toEqual([]);
  });

  it('finds several countries, each once', () => {
    expect(values('from Sweden to Norway and then Norway again, also Finnish buyers', 'country')).toEqual(['SE', 'NO', 'FI']);
  });

  it('recognises certifications', () => {
    expect(values('do we need CE marking or UKCA', 'certification')).toEqual(['CE', 'UKCA']);
    expect(values('ISO 9001 and ISO/IEC 27001 and iso14001', 'certification')).toEqual(['ISO/IEC 27001', 'ISO 9001', 'ISO 14001']);
    expect(values('IATF 16949 for tier 1', 'certification')).toEqual(['IATF 16949']);
    expect(values('CE-Kennzeichnung für Maschinen', 'certification')).toEqual(['CE']);
    expect(values('the UL listing for the US', 'certification')).toEqual(['UL']);
    expect(values('we check the price and the ul of it', 'certification')).toEqual([]);
  });

  it('recognises sectors in three languages', () => {
    expect(values('we are an automotive supplier', 'sector')).toEqual(['automotive']);
    expect(values('Zulieferer für die Autoindustrie', 'sector')).toEqual(['automotive']);
    expect(values('vi är ett mjukvaruföretag', 'sector')).toEqual(['ict']);
    expect(values('green tech startup making heat pumps', 'sector')).toEqual(['green_tech']);
  });
});
