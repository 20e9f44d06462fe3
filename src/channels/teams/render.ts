/**
 * The neutral Message as an Adaptive Card 1.5 (the highest version Teams renders), and back: what a user did with a
 * card (an Action.Execute invoke, or an Action.Submit message from an older client) as `{ id, value, fields }`.
 * Every card this module makes validates against the Adaptive Cards 1.5 JSON schema (test/channels/teams-cards.test.ts).
 */
import { z } from 'zod';
import { MAX_ACTION_VALUE_LENGTH, MAX_TEXT_LENGTH } from '../../core/event.js';
import type { ActionEvent } from '../../core/event.js';
import { momentsAsText, renderMoments, renderUserMarks, type Bar, type Field, type Input, type Message } from '../../core/message.js';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Field id of the one choice of a single or multiple choice; its answer comes back under it. */
export const CHOICE_FIELD = 'choice';
/** Keys of an action's data that are not form fields. */
const VERB = 'verb';
const VALUE = 'value';
/** The fields that are multiple choices, so that their comma-joined answer comes back as a list. */
const MULTI = 'multi';
/** Teams shows about six actions in a row; more go into further action sets. */
const ACTIONS_PER_SET = 5;
const BAR_WIDTH = 10;
const DEFAULT_SUBMIT = 'Submit';

export type CardElement = Record<string, unknown> & { type: string };
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  /** Card refresh: who sees their own view of a shared card (Teams refreshes it for up to 60 listed users). */
  refresh?: { action: CardElement; userIds: string[] };
}

/** A link to a file the message carries (served by the advisor's /files endpoint), made by the channel. */
export interface FileLink {
  name: string;
  url: string;
  mimeType: string;
  alt?: string;
}

/**
 * The core's light markdown in Teams' markdown subset: **bold** and _italic_ are the same; a `• ` bullet becomes a
 * list item. Characters Teams would read as markup in user text were neutralised by the core (quoteUserText).
 */
export function toTeamsMarkdown(line: string): string {
  return teamsMoments(line.replace(/^• /, '- '));
}

/** Moments as Adaptive Cards' DATE and TIME functions, which Teams shows in each reader's time zone (RFC 3339, no ms). */
const teamsMoments = (text: string): string =>
  renderMoments(renderUserMarks(text, (_user, fallback) => fallback), (at) => {
    const iso = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
  });

function textBlocks(text: string): CardElement[] {
  const lines = text.split('\n');
  const out: CardElement[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const heading = i === 0 && /^\*\*[^*]+\*\*(?: .*)?$/.test(line);
    out.push({
      type: 'TextBlock',
      text: heading ? teamsMoments(line.replace(/\*\*/g, '')) : toTeamsMarkdown(line),
      wrap: true,
      ...(heading ? { weight: 'Bolder', size: 'Medium' } : {}),
      // Lines of a list sit together; paragraphs get the default spacing.
      ...(i > 0 && /^(?:• |\d+\. )/.test(line) ? { spacing: 'None' } : {}),
    });
  });
  return out;
}

function barRows(bars: Bar[]): CardElement[] {
  return bars.map((b) => {
    const filled = b.of > 0 ? Math.round((b.value / b.of) * BAR_WIDTH) : 0;
    return {
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: b.label, wrap: true }] },
        { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`, fontType: 'Monospace' }] },
        { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `${b.value}/${b.of}${b.note ? ` ${b.note}` : ''}` }] },
      ],
    };
  });
}

/** An Action.Execute for a core action, with an Action.Submit fallback for clients before card version 1.4. */
function execute(title: string, verb: string, data: Record<string, unknown>, style?: 'primary' | 'danger'): CardElement {
  const payload = { ...data, [VERB]: verb };
  const styled = style ? { style: style === 'primary' ? 'positive' : 'destructive' } : {};
  return { type: 'Action.Execute', title, verb, data: payload, ...styled, fallback: { type: 'Action.Submit', title, data: payload, ...styled } };
}

function actionSets(actions: CardElement[]): CardElement[] {
  const sets: CardElement[] = [];
  for (let i = 0; i < actions.length; i += ACTIONS_PER_SET) sets.push({ type: 'ActionSet', actions: actions.slice(i, i + ACTIONS_PER_SET) });
  return sets;
}

function fieldInputs(field: Field): CardElement[] {
  const base = { id: field.id, label: field.label, isRequired: !field.optional, ...(field.optional ? {} : { errorMessage: field.label }) };
  switch (field.type) {
    case 'text':
      return [{ type: 'Input.Text', ...base, isMultiline: Boolean(field.multiline), maxLength: field.max ?? MAX_TEXT_LENGTH, ...(field.initial ? { value: field.initial } : {}) }];
    case 'number':
      return [{ type: 'Input.Number', ...base, min: field.min, max: field.max, ...(field.initial !== undefined ? { value: Number(field.initial) } : {}) }];
    case 'select':
      return [
        {
          type: 'Input.ChoiceSet',
          ...base,
          isMultiSelect: Boolean(field.multiple),
          style: field.options.length <= 5 ? 'expanded' : 'compact',
          choices: field.options.map((o) => ({ title: o.label, value: o.value })),
          ...(field.initial ? { value: field.initial } : {}),
        },
      ];
    case 'datetime':
      // Cards have a date and a time input, no combined one: the two answers are joined when the card comes back.
      return [
        { type: 'Input.Date', ...base, id: `${field.id}.date` },
        { type: 'Input.Time', id: `${field.id}.time`, label: field.label, isRequired: !field.optional },
      ];
  }
}

function inputElements(input: Input): { body: CardElement[]; submit: CardElement } {
  if (input.kind === 'form') {
    const multi = input.fields.filter((f) => f.type === 'select' && f.multiple).map((f) => f.id);
    return {
      body: [{ type: 'TextBlock', text: input.title, weight: 'Bolder', wrap: true }, ...input.fields.flatMap(fieldInputs)],
      submit: execute(input.submit, input.action, multi.length ? { [MULTI]: multi } : {}, 'primary'),
    };
  }
  if (input.budget !== undefined) {
    // Dot voting: a number per option, at most the budget on each (the core checks the sum).
    return {
      body: input.options.map((o) => ({ type: 'Input.Number', id: `${CHOICE_FIELD}.${o.value}`, label: o.label, min: 0, max: input.budget, value: 0 })),
      submit: execute(input.submit ?? DEFAULT_SUBMIT, input.action, { budget: true }, 'primary'),
    };
  }
  return {
    body: [
      {
        type: 'Input.ChoiceSet',
        id: CHOICE_FIELD,
        isMultiSelect: Boolean(input.multiple),
        style: 'expanded',
        isRequired: true,
        choices: input.options.map((o) => ({ title: o.label, value: o.value })),
      },
    ],
    submit: execute(input.submit ?? DEFAULT_SUBMIT, input.action, input.multiple ? { [MULTI]: [CHOICE_FIELD] } : {}, 'primary'),
  };
}

/** The message as an Adaptive Card 1.5. `files` are the download links of its attachments. */
export function renderCard(message: Message, files: FileLink[] = []): AdaptiveCard {
  const body: CardElement[] = textBlocks(message.text);
  if (message.facts?.length) body.push({ type: 'FactSet', facts: message.facts.map((f) => ({ title: f.label, value: f.value })) });
  if (message.bars?.length) body.push(...barRows(message.bars));
  for (const f of files) {
    if (f.mimeType === 'image/png') body.push({ type: 'Image', url: f.url, altText: f.alt ?? f.name, size: 'Stretch' });
    if (f.alt) body.push({ type: 'TextBlock', text: f.alt, wrap: true, isSubtle: true, size: 'Small' });
  }
  if (message.input) {
    const { body: inputs, submit } = inputElements(message.input);
    body.push(...inputs, { type: 'ActionSet', actions: [submit] });
  }
  const actions: CardElement[] = [
    ...(message.buttons ?? []).map((b) => execute(b.label, b.action.id, { [VALUE]: b.action.value }, b.style)),
    ...(message.links ?? []).map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
    ...files.map((f) => ({ type: 'Action.OpenUrl', title: f.name, url: f.url })),
  ];
  body.push(...actionSets(actions));
  if (message.context) body.push({ type: 'TextBlock', text: message.context, wrap: true, isSubtle: true, size: 'Small' });
  if (body.length === 0) body.push({ type: 'TextBlock', text: ' ', wrap: true });
  return { type: 'AdaptiveCard', $schema: SCHEMA, version: '1.5', body };
}

/** The Bot Framework attachment that carries a card. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: CARD_CONTENT_TYPE, content: card };
}

/** Plain text of a message for notifications and the activity's `text` (screen readers, previews). */
export function summaryText(message: Message): string {
  return momentsAsText(message.text.split('\n')[0]!).replace(/\*\*/g, '').slice(0, 500);
}

const FieldValue = z.union([z.string().max(MAX_TEXT_LENGTH), z.number(), z.boolean()]);
/** What comes back from a card: the verb (the core's action id), its value, and the inputs. */
const ActionData = z.object({ [VERB]: z.string().min(1).max(100), [VALUE]: z.string().max(MAX_ACTION_VALUE_LENGTH).optional() }).catchall(z.unknown());

/**
 * The core action for a card's data: an invoke's `action.data` (with `action.verb`) or an Action.Submit's `value`.
 * Undefined when the data is not one of our cards' (a forged or foreign payload is ignored, never a 500).
 */
export function actionFromCardData(data: unknown, verb?: string): ActionEvent | undefined {
  const parsed = ActionData.safeParse(verb ? { ...(typeof data === 'object' && data ? data : {}), [VERB]: verb } : data);
  if (!parsed.success) return undefined;
  const { [VERB]: id, [VALUE]: value, [MULTI]: multiRaw, budget, ...rest } = parsed.data;
  const multi = new Set(z.array(z.string()).catch([]).parse(multiRaw));
  const fields: Record<string, string | string[]> = {};
  const dates = new Map<string, { date?: string; time?: string }>();
  for (const [key, raw] of Object.entries(rest)) {
    const v = FieldValue.safeParse(raw);
    if (!v.success || key.length > 100) continue;
    const text = String(v.data);
    const part = /^(.*)\.(date|time)$/.exec(key);
    if (part) {
      const d = dates.get(part[1]!) ?? {};
      d[part[2] as 'date' | 'time'] = text;
      dates.set(part[1]!, d);
    } else fields[key] = multi.has(key) ? text.split(',').filter(Boolean).slice(0, 100) : text;
  }
  for (const [key, d] of dates) if (d.date) fields[key] = d.time ? `${d.date}T${d.time}` : d.date;
  if (budget === true) {
    // Dot voting: the option each dot went on, once per dot.
    const votes: string[] = [];
    for (const [key, v] of Object.entries(fields)) {
      if (!key.startsWith(`${CHOICE_FIELD}.`)) continue;
      const n = Math.max(0, Math.min(100, Math.floor(Number(v) || 0)));
      for (let i = 0; i < n; i++) votes.push(key.slice(CHOICE_FIELD.length + 1));
      delete fields[key];
    }
    fields[CHOICE_FIELD] = votes.slice(0, 100);
  }
  return { id, value: value ?? '', ...(Object.keys(fields).length ? { fields } : {}) };
}
