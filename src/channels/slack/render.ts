/**
 * The neutral Message as Slack Block Kit (typed with @slack/types, so the compiler checks the shapes), and back: what a
 * user did with a rendered message (block_actions, view_submission) as `{ id, value, fields }`. Every Block Kit limit
 * is enforced here, because Slack rejects a whole message for one oversized part.
 */
import type {
  ActionsBlock, Button, InputBlock, InputBlockElement, KnownBlock, ModalView, PlainTextElement, PlainTextOption, SectionBlock,
} from '@slack/types';
import { z } from 'zod';
import { MAX_TEXT_LENGTH } from '../../core/event.js';
import { isTextType, momentsAsText, renderMoments, renderUserMarks, type Attachment, type Bar, type Field, type Input, type Message, type Option } from '../../core/message.js';

/** Block Kit's limits, from the reference page of each block and element. */
export const LIMITS = {
  blocks: 50, modalBlocks: 100, sectionText: 3000, fieldsPerSection: 10, fieldText: 2000, buttonText: 75, buttonValue: 2000,
  actionsElements: 25, optionText: 75, options: 100, radioOptions: 10, label: 2000, header: 150, modalText: 24, textInput: 3000,
  privateMetadata: 3000, fallbackText: 3000,
} as const;
/** block_id of the one select / radios / checkboxes of a single or multiple choice; its answer comes back under it. */
export const CHOICE_FIELD = 'choice';
/** action_id of elements that only hold state: never an `id#n`, so their change events are told apart from submissions. */
const STATE_ACTION = 'field';
const FORM_CALLBACK = 'form:';
/** Slack needs a label on a submit button; callers pass one in the user's language, this is the technical fallback. */
const DEFAULT_SUBMIT = 'Submit';
const BAR_WIDTH = 10;
/** An inline file's text, and its name above it: with the fence they stay under a section's 3 000 characters. */
const INLINE_FILE_LIMIT = 2800;
const INLINE_NAME_LIMIT = 150;

/** Escapes the three characters Slack treats as control characters in message text, so user text cannot ping. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The core's light markdown (**bold**, _italic_, bullets) as Slack mrkdwn, escaped. */
export function toMrkdwn(markdown: string): string {
  // A moment becomes Slack's date token, shown in each reader's time zone (the fallback where it cannot be).
  const moments = renderMoments(escapeSlack(markdown).replace(/\*\*(.+?)\*\*/g, '*$1*'), (at, fallback) => `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`);
  // Slack writes a user mention as the member's name for every reader.
  return renderUserMarks(moments, (user) => `<@${user}>`);
}

/** Plain text for notifications and clients without blocks: markdown marks removed, escaped. */
export function toPlain(markdown: string): string {
  return escapeSlack(momentsAsText(markdown).replace(/\*\*(.+?)\*\*/g, '$1'));
}

/** action_id must be unique within a block; the core's ids repeat (three quick picks), so an index is appended. */
export function encodeActionId(id: string, index: number): string {
  return `${id}#${index}`;
}

/** The core's action id inside an encoded action_id. */
export function decodeActionId(actionId: string): string {
  return actionId.replace(/#\d+$/, '');
}

/** Cuts a string to `n` characters, marking the cut. */
export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Splits text at line breaks into parts of at most `limit` characters; a longer single line is cut. */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= limit) current = candidate;
    else {
      if (current) parts.push(current);
      current = truncate(line, limit);
    }
  }
  if (current) parts.push(current);
  return parts;
}

/**
 * Slack's own markup in user text turned into plain words: entities unescaped, mentions and links reduced to their
 * labels. What is echoed back later goes through the core's quoteUserText, so nothing here can ping anyone.
 */
export function fromSlackText(text: string, botUserId?: string): string {
  return text
    .replace(botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /(?!)/g, ' ')
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, '@$1')
    // Conversation mentions keep their id (#C123): the command parser reads them as arguments.
    .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(\|([^>]*))?>/g, '@$2')
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: truncate(text, max) || ' ', emoji: true });
const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const option = (o: Option): PlainTextOption => ({ text: plain(o.label, LIMITS.optionText), value: o.value });

/** An attachment's text as escaped mrkdwn, fenced; a fence inside is broken so it cannot end the block early. */
function inlineText(a: Attachment): string {
  return escapeSlack(new TextDecoder().decode(a.data)).replace(/```/g, '`\u200b``');
}

/** Attachments the message's blocks cannot show in full: binaries, and text longer than the inline preview. */
export function attachmentsToUpload(message: Message): Attachment[] {
  return (message.attachments ?? []).filter((a) => a.asFile || !isTextType(a.mimeType) || inlineText(a).length > INLINE_FILE_LIMIT);
}

/** One text bar: `*label*  ▇▇▇▇▇▇░░░░  6 / 10 · note`, escaped. */
export function barLine(bar: Bar): string {
  const share = bar.of > 0 ? Math.min(1, Math.max(0, bar.value / bar.of)) : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const note = bar.note ? ` · ${toMrkdwn(bar.note)}` : '';
  return `*${escapeSlack(bar.label)}*  ${'▇'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}  ${bar.value} / ${bar.of}${note}`;
}

/** Text, facts, bars, links and inline files: what may be shortened when a message has too many blocks. */
function bodyBlocks(message: Message): KnownBlock[] {
  const blocks: KnownBlock[] = splitText(toMrkdwn(message.text), LIMITS.sectionText).map(section);
  const facts = message.facts ?? [];
  for (let i = 0; i < facts.length; i += LIMITS.fieldsPerSection) {
    const fields = facts.slice(i, i + LIMITS.fieldsPerSection).map((f) => ({
      type: 'mrkdwn' as const,
      text: truncate(`*${escapeSlack(f.label)}*\n${toMrkdwn(f.value)}`, LIMITS.fieldText),
    }));
    blocks.push({ type: 'section', fields });
  }
  if (message.bars?.length) blocks.push(...splitText(message.bars.map(barLine).join('\n'), LIMITS.sectionText).map(section));
  if (message.links?.length) {
    const list = message.links.map((l) => `• <${l.url}|${escapeSlack(l.label).replace(/\|/g, '¦')}>`).join('\n');
    blocks.push(section(truncate(list, LIMITS.sectionText)));
  }
  for (const a of message.attachments ?? []) {
    const name = truncate(escapeSlack(a.name), INLINE_NAME_LIMIT);
    if (isTextType(a.mimeType) && !a.asFile) blocks.push(section(`*${name}*\n\`\`\`${truncate(inlineText(a), INLINE_FILE_LIMIT)}\`\`\``));
  }
  return blocks;
}

function fieldElement(f: Field): InputBlockElement {
  const action_id = STATE_ACTION;
  switch (f.type) {
    case 'text': {
      const max = Math.min(f.max ?? LIMITS.textInput, LIMITS.textInput);
      return { type: 'plain_text_input', action_id, multiline: f.multiline ?? false, max_length: max, ...(f.initial ? { initial_value: f.initial.slice(0, max) } : {}) };
    }
    case 'number': {
      const decimal = !Number.isInteger(f.min) || !Number.isInteger(f.max);
      return { type: 'number_input', action_id, is_decimal_allowed: decimal, min_value: String(f.min), max_value: String(f.max), ...(f.initial ? { initial_value: f.initial } : {}) };
    }
    case 'select': {
      const options = f.options.slice(0, LIMITS.options).map(option);
      const initial = options.find((o) => o.value === f.initial);
      if (f.multiple) return { type: 'multi_static_select', action_id, options, ...(initial ? { initial_options: [initial] } : {}) };
      return { type: 'static_select', action_id, options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'datetime': {
      const ms = f.initial ? Date.parse(f.initial) : NaN;
      return { type: 'datetimepicker', action_id, ...(Number.isFinite(ms) ? { initial_date_time: Math.floor(ms / 1000) } : {}) };
    }
  }
}

function formBlocks(input: Extract<Input, { kind: 'form' }>, room: number): InputBlock[] {
  return input.fields.slice(0, room).map((f) => ({
    type: 'input',
    block_id: f.id,
    label: plain(f.label, LIMITS.label),
    optional: f.optional ?? false,
    element: fieldElement(f),
  }));
}

/** The blocks that hold an input's state (without its submit button), at most `room` of them. */
function inputBlocks(input: Input, room: number): KnownBlock[] {
  if (input.kind === 'form') return [{ type: 'header', text: plain(input.title, LIMITS.header) }, ...formBlocks(input, room - 1)];
  const options = input.options.slice(0, LIMITS.options).map(option);
  if (input.budget !== undefined) {
    // Dot voting: one 0…budget select per option, read back as "<option>": "<n>".
    const dots = Array.from({ length: Math.min(Math.max(0, Math.floor(input.budget)), LIMITS.options - 1) + 1 }, (_, n) => ({ text: plain(String(n), LIMITS.optionText), value: String(n) }));
    return input.options.slice(0, room).map((o): InputBlock => ({
      type: 'input',
      block_id: o.value,
      label: plain(o.label, LIMITS.label),
      element: { type: 'static_select', action_id: STATE_ACTION, options: dots, initial_option: dots[0]! },
    }));
  }
  const few = options.length <= LIMITS.radioOptions;
  const element: ActionsBlock['elements'][number] = input.multiple
    ? few ? { type: 'checkboxes', action_id: STATE_ACTION, options } : { type: 'multi_static_select', action_id: STATE_ACTION, options }
    : few ? { type: 'radio_buttons', action_id: STATE_ACTION, options } : { type: 'static_select', action_id: STATE_ACTION, options };
  return [{ type: 'actions', block_id: CHOICE_FIELD, elements: [element] }];
}

export interface RenderOptions {
  /** Label of a choice's submit button when the input has none, in the user's language. */
  submitLabel?: string;
}

/** Blocks and the fallback text of one message, within Block Kit's limits. */
export function renderMessage(message: Message, options: RenderOptions = {}): { text: string; blocks: KnownBlock[] } {
  const elements: Button[] = (message.buttons ?? []).map((b, i) => ({
    type: 'button',
    text: plain(b.label, LIMITS.buttonText),
    action_id: encodeActionId(b.action.id, i),
    value: b.action.value.slice(0, LIMITS.buttonValue),
    ...(b.style ? { style: b.style } : {}),
  }));
  const { input } = message;
  if (input) {
    // The submit button comes first and takes the index after the buttons, so theirs stay 0…n-1.
    const label = input.submit ?? options.submitLabel ?? DEFAULT_SUBMIT;
    elements.unshift({ type: 'button', text: plain(label, LIMITS.buttonText), action_id: encodeActionId(input.action, elements.length), value: '', style: 'primary' });
  }
  const actions: ActionsBlock[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.actionsElements) actions.push({ type: 'actions', elements: elements.slice(i, i + LIMITS.actionsElements) });
  // Over a thousand buttons cannot be shown at all; keep what fits beside one text block and the context.
  actions.length = Math.min(actions.length, LIMITS.blocks - 2);
  const context: KnownBlock[] = message.context ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(toMrkdwn(message.context), LIMITS.sectionText) }] }] : [];
  // Context, input and buttons always fit (the input gets what is left, keeping one block for text); the body is cut.
  const room = LIMITS.blocks - 1 - context.length - actions.length;
  const tail = [...context, ...(input ? inputBlocks(input, room) : []), ...actions];
  const body = bodyBlocks(message);
  const allowed = Math.max(0, LIMITS.blocks - tail.length);
  if (body.length > allowed) {
    body.length = allowed;
    const last = body[allowed - 1];
    if (last?.type === 'section' && last.text) last.text.text = `${truncate(last.text.text, LIMITS.sectionText - 2)}\n…`;
  }
  return { text: truncate(toPlain(message.text), LIMITS.fallbackText), blocks: [...body, ...tail] };
}

/** A form as a modal (opened with a trigger_id); `close` labels the cancel button, Slack's default otherwise. */
export function formModal(input: Extract<Input, { kind: 'form' }>, privateMetadata: string, labels: { close?: string } = {}): ModalView {
  // Cutting metadata would corrupt it; it is the adapter's own routing data, so an oversized one is a bug.
  if (privateMetadata.length > LIMITS.privateMetadata) throw new RangeError(`private_metadata is ${privateMetadata.length} characters, Slack allows ${LIMITS.privateMetadata}`);
  return {
    type: 'modal',
    callback_id: `${FORM_CALLBACK}${input.action}`,
    private_metadata: privateMetadata,
    title: plain(input.title, LIMITS.modalText),
    submit: plain(input.submit, LIMITS.modalText),
    ...(labels.close ? { close: plain(labels.close, LIMITS.modalText) } : {}),
    blocks: formBlocks(input, LIMITS.modalBlocks),
  };
}

/** The core's action id of a form modal's callback_id, undefined for views that are not forms. */
export function actionFromModal(callbackId: string): string | undefined {
  return callbackId.startsWith(FORM_CALLBACK) && callbackId.length > FORM_CALLBACK.length ? callbackId.slice(FORM_CALLBACK.length) : undefined;
}

/** The core's ActionSchema bounds: a field id is at most 100 characters, list answers 100 items of 500. */
const MAX_FIELD_ID = 100;
const MAX_LIST = 100;
const MAX_LIST_ITEM = 500;
/** The largest time a JS Date holds, in seconds: beyond it toISOString would throw. */
const MAX_EPOCH_SECONDS = 8.64e12;
const one = (s: string | null | undefined): string | undefined => (s ? s.slice(0, MAX_TEXT_LENGTH) : undefined);
const Selected = z.object({ value: z.string() });
/** The state of one element as Slack reports it, turned into the answer it holds (undefined when empty). */
const StateElement = z.union([
  z.object({ type: z.enum(['plain_text_input', 'number_input', 'email_text_input', 'url_text_input']), value: z.string().nullish() }).transform((e) => one(e.value)),
  z.object({ type: z.enum(['static_select', 'radio_buttons', 'external_select']), selected_option: Selected.nullish() }).transform((e) => one(e.selected_option?.value)),
  z
    .object({ type: z.enum(['multi_static_select', 'checkboxes', 'multi_external_select']), selected_options: z.array(Selected).nullish() })
    .transform((e) => e.selected_options?.slice(0, MAX_LIST).map((o) => o.value.slice(0, MAX_LIST_ITEM))),
  z
    .object({ type: z.literal('datetimepicker'), selected_date_time: z.number().int().min(0).max(MAX_EPOCH_SECONDS).nullish() })
    .transform((e) => (typeof e.selected_date_time === 'number' ? new Date(e.selected_date_time * 1000).toISOString() : undefined)),
  z.object({ type: z.literal('datepicker'), selected_date: z.string().nullish() }).transform((e) => one(e.selected_date)),
  z.object({ type: z.literal('timepicker'), selected_time: z.string().nullish() }).transform((e) => one(e.selected_time)),
]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Slack's `state.values` (block_id → action_id → element state) as field id → value(s); unknown shapes are skipped. */
export function fieldsFromState(values: unknown): Record<string, string | string[]> {
  const entries: [string, string | string[]][] = [];
  if (!isRecord(values)) return {};
  for (const [blockId, actions] of Object.entries(values)) {
    if (blockId.length > MAX_FIELD_ID || !isRecord(actions)) continue;
    for (const element of Object.values(actions)) {
      const value = StateElement.safeParse(element).data;
      if (value !== undefined) entries.push([blockId, value]);
    }
  }
  // fromEntries defines own properties, so a block_id such as "__proto__" cannot reach the prototype.
  return Object.fromEntries(entries);
}

/** What a user submitted, before the core's ActionSchema validates it at the boundary. */
export interface SubmittedAction {
  id: string;
  value: string;
  fields?: Record<string, string | string[]>;
}

const BlockActions = z.object({
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), selected_option: Selected.nullish() })).min(1),
  state: z.object({ values: z.unknown() }).optional(),
});

/**
 * A block_actions payload as the action it submits: a button's `id#n` with its value, or a select's `id#n` with the
 * chosen value, plus the message's input state as `fields`. State-only changes (a radio clicked before Submit) and
 * foreign shapes give undefined: acknowledge them and run no turn.
 */
export function actionFromBlockActions(body: unknown): SubmittedAction | undefined {
  const parsed = BlockActions.safeParse(body);
  if (!parsed.success) return undefined;
  const action = parsed.data.actions[0]!;
  if (!/#\d+$/.test(action.action_id)) return undefined;
  const fields = fieldsFromState(parsed.data.state?.values);
  const value = action.value ?? action.selected_option?.value ?? '';
  return { id: decodeActionId(action.action_id), value, ...(Object.keys(fields).length ? { fields } : {}) };
}

const ViewSubmission = z.object({ callback_id: z.string(), state: z.object({ values: z.unknown() }).optional() });

/** A form modal's view_submission `view` as the action it submits; undefined for views that are not forms. */
export function actionFromViewSubmission(view: unknown): SubmittedAction | undefined {
  const parsed = ViewSubmission.safeParse(view);
  const id = parsed.success ? actionFromModal(parsed.data.callback_id) : undefined;
  return id && parsed.success ? { id, value: '', fields: fieldsFromState(parsed.data.state?.values) } : undefined;
}
