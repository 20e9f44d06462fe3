/** What the help feature says: the greeting and help text, and the polite refusal of out-of-scope questions. */
import { defineMessages } from '../../core/i18n.js';

export const helpMessages = defineMessages({
  en: {
    intro:
      "Hi! I'm the **SME internationalisation advisor**. I answer from a curated, cited dataset (the GIVE focus group, EU and Swedish studies) and point you to support agencies in your country.",
    examples: ['Do we need CE marking to sell machines in Norway?', 'Which grants help us attend a trade fair abroad?', 'How do we find a distributor in Germany?'],
    startWhys: 'Start a 5-Whys analysis',
    outOfScope:
      'Sorry, that is outside what I can help with. I advise small and medium-sized companies on going international: markets, customs and trade rules, certification, financing, clusters, skills, digital marketing and strategy. Type **help** for examples.',
  },
  de: {
    intro:
      'Hallo! Ich bin der **Internationalisierungsberater für KMU**. Ich antworte aus einer geprüften Datensammlung mit Quellenangaben (GIVE-Fokusgruppe, Studien aus der EU und aus Schweden) und nenne Ihnen Förderstellen in Ihrem Land.',
    examples: ['Brauchen wir eine CE-Kennzeichnung, um Maschinen in Norwegen zu verkaufen?', 'Welche Fördermittel gibt es für einen Messeauftritt im Ausland?', 'Wie finden wir einen Vertriebspartner in Schweden?'],
    startWhys: '5-Warum-Analyse starten',
    outOfScope:
      'Dabei kann ich leider nicht helfen. Ich berate kleine und mittlere Unternehmen beim Schritt ins Ausland: Märkte, Zoll und Handelsregeln, Zertifizierung, Finanzierung, Cluster, Kompetenzen, digitales Marketing und Strategie. Schreiben Sie **Hilfe**, um Beispiele zu sehen.',
  },
  sv: {
    intro:
      'Hej! Jag är **internationaliseringsrådgivaren för små och medelstora företag**. Jag svarar utifrån en granskad datamängd med källhänvisningar (GIVE-fokusgruppen, studier från EU och Sverige) och tipsar om stödorganisationer i ditt land.',
    examples: ['Behöver vi CE-märkning för att sälja maskiner i Norge?', 'Vilka bidrag finns för att ställa ut på en mässa utomlands?', 'Hur hittar vi en distributör i Tyskland?'],
    startWhys: 'Starta en 5 varför-analys',
    outOfScope:
      'Tyvärr ligger det utanför det jag kan hjälpa till med. Jag ger råd till små och medelstora företag som vill ut internationellt: marknader, tull och handelsregler, certifiering, finansiering, kluster, kompetens, digital marknadsföring och strategi. Skriv **hjälp** för att se exempel.',
  },
});
