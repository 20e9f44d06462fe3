/** Home country or target market, in English, German and Swedish: only a first-person statement makes a country home. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntityExtractor } from '../../src/nlu/entities.js';
import { homeAndTargets } from '../../src/nlu/home.js';
import { ROOT } from '../helpers/tmp.js';

const entities = EntityExtractor.load(path.join(ROOT, 'intents'));
const read = (q: string) => homeAndTargets(q, entities.extract(q));

describe('home country and target markets', () => {
  it.each([
    ['We are a German firm and want to ship machine parts to Switzerland. What do we need?', 'DE', ['CH']],
    ["We're a small ICT company from Serbia. Is Germany a realistic first market?", 'RS', ['DE']],
    ['our company is based in the Netherlands and we export to Belgium', 'NL', ['BE']],
    ['I am based in Ireland and sell online to Germany', 'IE', ['DE']],
    ['As a German SME, how do we get an EORI?', 'DE', []],
    ['Wir sitzen in Deutschland und liefern in die Schweiz. Welche Papiere brauchen wir?', 'DE', ['CH']],
    ['Wir sind ein kleines österreichisches Unternehmen und wollen nach Deutschland exportieren', 'AT', ['DE']],
    ['Unser Unternehmen hat seinen Sitz in Österreich', 'AT', []],
    ['Wir sind in Österreich ansässig', 'AT', []],
    ['Vårt företag finns i Sverige och vi vill sälja till Norge.', 'SE', ['NO']],
    ['vi är ett svenskt företag som vill exportera till Tyskland', 'SE', ['DE']],
    ['Vi sitter i Göteborg, Sverige, och ska ställa ut på en mässa i Tyskland', 'SE', ['DE']],
    // A company like the user's as the subject of the question.
    ['Which export credit insurance can a Swedish SME get for a customer in Serbia?', 'SE', ['RS']],
    ['Where can a small German company find customers in Sweden?', 'DE', ['SE']],
    ['Kann ein deutsches KMU Fördermittel für eine Messe in Schweden bekommen?', 'DE', ['SE']],
    ['Hur kan ett svenskt företag hitta kunder i Tyskland?', 'SE', ['DE']],
  ])('takes "%s" as a statement of home', (q, home, targets) => {
    expect(read(q)).toEqual({ home, targets });
  });

  it.each([
    ['How do I invoice a customer based in Switzerland?', ['CH']],
    ['Where do I find a supplier in Germany?', ['DE']],
    ['We are looking for a German supplier', ['DE']],
    ['We want to sell our products to a German company', ['DE']],
    ['We sell to a German company', ['DE']],
    ['Do I need an EORI number to export to the UK?', ['GB']],
    ['Wir haben Kunden mit Sitz in Österreich', ['AT']],
    ['Wir suchen ein Unternehmen aus Norwegen', ['NO']],
    ['Vi söker en tillverkare i Tyskland', ['DE']],
    // What the user sells there is theirs, the country is not.
    ['Do we need CE marking to sell our machines in Norway?', ['NO']],
    ['Our products are popular in Japan', ['JP']],
    ['Brauchen wir eine CE-Kennzeichnung, um unsere Maschinen in Norwegen zu verkaufen?', ['NO']],
    ['Wir wollen unsere Produkte in Frankreich verkaufen', ['FR']],
    ['Behöver vi CE-märkning för att sälja våra maskiner i Norge?', ['NO']],
    ['How do I invoice a German company?', ['DE']],
    ['Can a German supplier deliver to us?', ['DE']],
  ])('takes the country in "%s" as a target market', (q, targets) => {
    expect(read(q)).toEqual({ targets });
  });
});
