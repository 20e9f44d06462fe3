/**
 * A small German/Swedish → English glossary of the domain's key words. The dataset is answered from its English text,
 * so a question in German or Swedish is searched with these English words added ("Vertriebspartner" → distributor).
 */
import { stem, tokenize, type Lang } from '../common/lang.js';

const ENTRIES: Record<'de' | 'sv', Record<string, string>> = {
  de: {
    zoll: 'customs duties', zölle: 'customs duties tariffs', zollpapiere: 'customs documents', steuer: 'taxes', steuern: 'taxes',
    mehrwertsteuer: 'vat taxes', umsatzsteuer: 'vat taxes', ursprung: 'origin', ursprungsregeln: 'rules origin', gesetz: 'legislation',
    gesetze: 'legislation', vorschriften: 'regulations legislation', einfuhr: 'import', ausfuhr: 'export', export: 'export',
    zertifizierung: 'certification', zertifikat: 'certificate certification', zertifikate: 'certificates certification', norm: 'standards',
    normen: 'standards', kennzeichnung: 'marking', prüfung: 'testing', berater: 'consultants', beratung: 'consultancy advice',
    förderung: 'funding support grants', fördermittel: 'funding grants', zuschuss: 'grant subsidy', kredit: 'loan credit',
    darlehen: 'loan', finanzierung: 'financing', kapital: 'capital', versicherung: 'insurance', bürgschaft: 'guarantee',
    investoren: 'investors', messe: 'trade fair events', messen: 'trade fairs events', markt: 'market', märkte: 'markets',
    zielmarkt: 'target market', kunden: 'customers', vertrieb: 'sales distribution', vertriebspartner: 'distributors partners',
    händler: 'distributors', wettbewerber: 'competitors', konkurrenz: 'competitors competition', kultur: 'culture',
    netzwerk: 'network', netzwerke: 'networks', cluster: 'cluster', verband: 'association', partner: 'partners',
    kooperation: 'cooperation', sprache: 'language', sprachen: 'languages', englisch: 'english language', schulung: 'training',
    weiterbildung: 'training education', ausbildung: 'education training', mitarbeiter: 'staff employees', personal: 'staff personnel',
    erfahrung: 'experience', wissen: 'knowledge', zeit: 'time', webseite: 'website internet', internet: 'internet online',
    online: 'online', sichtbarkeit: 'visibility', werbung: 'promotion advertising marketing', marketing: 'marketing',
    strategie: 'strategy', plan: 'plan planning', risiko: 'risk', preis: 'price pricing', preise: 'prices pricing',
    geschäftsmodell: 'business model', produkt: 'product', ausland: 'foreign abroad', international: 'international',
  },
  sv: {
    tull: 'customs duties', tullar: 'customs duties tariffs', tullregler: 'customs rules regulations', skatt: 'taxes', skatter: 'taxes',
    moms: 'vat taxes', ursprung: 'origin', lagar: 'legislation', regler: 'rules regulations', import: 'import', export: 'export',
    certifiering: 'certification', certifikat: 'certificate certification', standard: 'standards', märkning: 'marking',
    konsult: 'consultants', konsulter: 'consultants', rådgivning: 'advice consultancy', stöd: 'support funding', bidrag: 'grants funding',
    lån: 'loan', finansiering: 'financing', kapital: 'capital', rörelsekapital: 'working capital', försäkring: 'insurance',
    garanti: 'guarantee', investerare: 'investors', mässa: 'trade fair events', mässor: 'trade fairs events', marknad: 'market',
    marknader: 'markets', kunder: 'customers', försäljning: 'sales', återförsäljare: 'distributors', distributör: 'distributors',
    konkurrenter: 'competitors', kultur: 'culture', nätverk: 'network networks', kluster: 'cluster', förening: 'association',
    partner: 'partners', samarbete: 'cooperation', språk: 'language languages', engelska: 'english language', utbildning: 'training education',
    personal: 'staff personnel', anställda: 'staff employees', erfarenhet: 'experience', kunskap: 'knowledge', tid: 'time',
    hemsida: 'website internet', webbplats: 'website internet', internet: 'internet online', synlighet: 'visibility',
    marknadsföring: 'marketing promotion', strategi: 'strategy', plan: 'plan planning', risk: 'risk', pris: 'price pricing',
    priser: 'prices pricing', affärsmodell: 'business model', produkt: 'product', utlandet: 'foreign abroad', utländska: 'foreign',
  },
};

const byStem: Record<'de' | 'sv', Map<string, string>> = {
  de: new Map(Object.entries(ENTRIES.de).map(([w, en]) => [stem(w, 'de'), en])),
  sv: new Map(Object.entries(ENTRIES.sv).map(([w, en]) => [stem(w, 'sv'), en])),
};

/** English words for the known domain words of a German or Swedish text; empty for English. */
export function englishTerms(text: string, lang: Lang): string {
  if (lang === 'en') return '';
  const table = byStem[lang];
  return tokenize(text)
    .map((t) => table.get(stem(t, lang)))
    .filter(Boolean)
    .join(' ');
}
