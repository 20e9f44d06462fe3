/** The advisor's topics: the domain intents and the dataset's topic tags use the same words. */
export const TOPICS = ['markets', 'trade_rules', 'certification', 'financing', 'clusters', 'skills', 'digital_marketing', 'strategy'] as const;
export type Topic = (typeof TOPICS)[number];

/** Narrows a string to a topic. */
export function isTopic(value: string): value is Topic {
  return (TOPICS as readonly string[]).includes(value);
}
