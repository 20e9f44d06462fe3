/** Block Kit rendering of the neutral Message, its limits, and reading Slack's interaction payloads back. */
import type { Button, InputBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { textAttachment, type Input, type Message } from '../../src/core/message.js';
import {
  CHOICE_FIELD, LIMITS, actionFromBlockActions, actionFromModal, actionFromViewSubmission, attachmentsToUpload, decodeActionId,
  escapeSlack, fieldsFromState, formModal, renderMessage,
} from '../../src/channels/slack/render.js';

const ofType = <T extends KnownBlock['type']>(blocks: KnownBlock[], type: T) => blocks.filter((b): b is Extract<KnownBlock, { type: T }> => b.type === type);
const buttonsOf = (blocks: KnownBlock[]) => ofType(blocks, 'actions').flatMap((b) => b.elements).filter((e): e is Button => e.type === 'button');
const sectionTexts = (blocks: KnownBlock[]) => ofType(blocks, 'section').map((b) => b.text?.text ?? '');
const option = (value: string, label = value.toUpperCase()) => ({ value, label });
const opts = (n: number) => Array.from({ length: n }, (_, i) => option(`o${i}`, `Option ${i} ${'x'.repeat(100)}`));

/** Checks every limit Slack enforces on a message, so a failing render shows which one. */
function expectWithinLimits(blocks: KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const b of blocks) {
    if (b.type === 'section') {
      expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fieldsPerSection);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
      for (const e of b.elements) {
        if (e.type === 'button') {
          expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
          expect(e.value?.length ?? 0).toBeLessThanOrEqual(LIMITS.buttonValue);
        }
        if ('options' in e && e.options) {
          expect(e.options.length).toBeLessThanOrEqual(LIMITS.options);
          for (const o of e.options) expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
        }
      }
    }
  }
}

describe('renderMessage', () => {
  it('splits long text, keeps every button and stays within 50 blocks', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `Line ${i} ${'w'.repeat(60)}`).join('\n');
    const buttons = Array.from({ length: 60 }, (_, i) => ({ label: `Button ${i} ${'y'.repeat(100)}`, action: { id: 'answer.more', value: 'v'.repeat(3000) } }));
    const { text: fallback, blocks } = renderMessage({ text, buttons, context: 'Sources: EU' });
    expectWithinLimits(blocks);
    expect(fallback.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    expect(buttonsOf(blocks)).toHaveLength(60);
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual(buttons.map((_, i) => `answer.more#${i}`));
    expect(ofType(blocks, 'actions').map((b) => b.elements.length)).toEqual([25, 25, 10]);
    expect(ofType(blocks, 'context')).toHaveLength(1);
    // The text was cut to make room, and says so.
    expect(sectionTexts(blocks).at(-1)).toMatch(/\n…$/);
    expect(sectionTexts(blocks)[0]).toMatch(/^Line 0 w+\nLine 1/);
  });

  it('renders a short message like the old renderer: text, links, context, buttons', () => {
    const { blocks } = renderMessage({
      text: '**Certification** needed',
      links: [{ label: 'EU | Guide', url: 'https://europa.eu/x' }],
      context: 'Source: _Blue Guide_',
      buttons: [{ label: 'More', action: { id: 'answer.more', value: '' }, style: 'primary' }],
    });
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'actions']);
    expect(sectionTexts(blocks)).toEqual(['*Certification* needed', '• <https://europa.eu/x|EU ¦ Guide>']);
    expect(buttonsOf(blocks)[0]).toMatchObject({ action_id: 'answer.more#0', style: 'primary', text: { text: 'More' } });
  });

  it('renders facts as section fields, ten per section', () => {
    const facts = Array.from({ length: 12 }, (_, i) => ({ label: `Label ${i}`, value: i === 0 ? 'z'.repeat(5000) : `**v${i}**` }));
    const { blocks } = renderMessage({ text: 'Poll', facts });
    const withFields = ofType(blocks, 'section').filter((b) => b.fields);
    expect(withFields.map((b) => b.fields!.length)).toEqual([10, 2]);
    expect(withFields[0]!.fields![1]!.text).toBe('*Label 1*\n*v1*');
    expectWithinLimits(blocks);
  });

  it('renders bars as escaped text bars', () => {
    const bars = [
      { label: 'Hannover Messe', value: 6, of: 10, note: 'most important' },
      { label: '<!channel> & co', value: 0, of: 0 },
      { label: 'All', value: 12, of: 10 },
    ];
    const [text] = sectionTexts(renderMessage({ text: 'Results', bars }).blocks).slice(1);
    expect(text!.split('\n')).toEqual([
      '*Hannover Messe*  ▇▇▇▇▇▇░░░░  6 / 10 · most important',
      '*&lt;!channel&gt; &amp; co*  ░░░░░░░░░░  0 / 0',
      '*All*  ▇▇▇▇▇▇▇▇▇▇  12 / 10',
    ]);
  });

  it('shows text attachments inline and leaves binaries (and overlong text) to the upload', () => {
    const csv = textAttachment('votes.csv', 'text/csv', 'a,b\n<1>,2');
    const long = textAttachment('long.md', 'text/markdown', 'm'.repeat(5000));
    const png = { name: 'chart.png', mimeType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) };
    const message: Message = { text: 'Export', attachments: [csv, long, png] };
    const texts = sectionTexts(renderMessage(message).blocks);
    expect(texts[1]).toBe('*votes.csv*\n```a,b\n&lt;1&gt;,2```');
    expect(texts[2]).toMatch(/^\*long\.md\*\n```m+…```$/);
    expect(texts).toHaveLength(3);
    expect(attachmentsToUpload(message).map((a) => a.name)).toEqual(['long.md', 'chart.png']);
    expectWithinLimits(renderMessage(message).blocks);
  });

  it('escapes <!channel> and &<> everywhere user text can reach', () => {
    const evil = '<!channel> <@U1> a & b > c';
    const { text, blocks } = renderMessage({ text: evil, facts: [{ label: evil, value: evil }], links: [{ label: evil, url: 'https://x.org' }], context: evil });
    const all = JSON.stringify(blocks) + text;
    expect(all).not.toMatch(/<!channel>|<@U1>/);
    expect(text).toBe('&lt;!channel&gt; &lt;@U1&gt; a &amp; b &gt; c');
    expect(escapeSlack('&amp;')).toBe('&amp;amp;');
  });
});

describe('inputs', () => {
  const submitOf = (blocks: KnownBlock[]) => buttonsOf(blocks).find((b) => b.style === 'primary')!;

  it('renders a single choice as radio buttons, or a select past ten options, submitted by a button', () => {
    const few: Input = { kind: 'choice', action: 'polls.vote', options: [option('a'), option('b')] };
    const { blocks } = renderMessage({ text: 'Which fair?', input: few, buttons: [{ label: 'Close', action: { id: 'polls.close', value: 'p1' } }] }, { submitLabel: 'Abstimmen' });
    const choice = ofType(blocks, 'actions').find((b) => b.block_id === CHOICE_FIELD)!;
    expect(choice.elements).toEqual([expect.objectContaining({ type: 'radio_buttons', options: [expect.objectContaining({ value: 'a' }), expect.objectContaining({ value: 'b' })] })]);
    expect(submitOf(blocks)).toMatchObject({ text: { text: 'Abstimmen' }, action_id: 'polls.vote#1' });
    expect(decodeActionId(submitOf(blocks).action_id!)).toBe('polls.vote');
    expect(buttonsOf(blocks).find((b) => b.action_id === 'polls.close#0')).toBeDefined();

    const many = renderMessage({ text: 'Pick', input: { ...few, options: opts(150), submit: 'Vote' } }).blocks;
    expect(ofType(many, 'actions')[0]!.elements[0]).toMatchObject({ type: 'static_select' });
    expect(submitOf(many).text.text).toBe('Vote');
    expectWithinLimits(many);
  });

  it('renders a multiple choice as checkboxes, or a multi-select past ten options', () => {
    const input: Input = { kind: 'choice', action: 'polls.vote', multiple: true, options: opts(3) };
    expect(ofType(renderMessage({ text: 'Q', input }).blocks, 'actions')[0]!.elements[0]!.type).toBe('checkboxes');
    expect(ofType(renderMessage({ text: 'Q', input: { ...input, options: opts(11) } }).blocks, 'actions')[0]!.elements[0]!.type).toBe('multi_static_select');
    expect(submitOf(renderMessage({ text: 'Q', input }).blocks).text.text).toBe('Submit');
  });

  it('renders a dot budget as one 0…budget select per option, keyed by the option value', () => {
    const input: Input = { kind: 'choice', action: 'dots.spend', budget: 5, submit: 'Spend', options: [option('hannover', 'Hannover Messe'), option('bauma')] };
    const { blocks } = renderMessage({ text: 'Spread 5 dots', input });
    const inputs = ofType(blocks, 'input');
    expect(inputs.map((b) => [b.block_id, b.label.text])).toEqual([['hannover', 'Hannover Messe'], ['bauma', 'BAUMA']]);
    expect(inputs[0]!.element).toMatchObject({ type: 'static_select', initial_option: { value: '0' } });
    expect((inputs[0]!.element as { options: { value: string }[] }).options.map((o) => o.value)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(submitOf(blocks)).toMatchObject({ text: { text: 'Spend' }, action_id: 'dots.spend#0' });
    // Sixty options do not fit: the budget keeps what fits beside the text and the submit button.
    const crowded = renderMessage({ text: 'x', input: { ...input, options: opts(60) } }).blocks;
    expect(crowded.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(submitOf(crowded)).toBeDefined();
  });

  const form: Extract<Input, { kind: 'form' }> = {
    kind: 'form',
    action: 'surveys.create',
    title: 'Create a survey for the cluster members',
    submit: 'Create the survey now please',
    fields: [
      { id: 'title', label: 'Title', type: 'text', max: 100, initial: 'Fairs 2025' },
      { id: 'notes', label: 'Notes', type: 'text', multiline: true, optional: true },
      { id: 'budget', label: 'Dots', type: 'number', min: 1, max: 10, initial: '5' },
      { id: 'kind', label: 'Kind', type: 'select', options: [option('poll'), option('dots')], initial: 'dots' },
      { id: 'tags', label: 'Tags', type: 'select', multiple: true, options: [option('a'), option('b')] },
      { id: 'closes', label: 'Closes', type: 'datetime', initial: '2025-03-01T09:00:00.000Z' },
    ],
  };

  it('renders a form inline as input blocks with a submit button', () => {
    const { blocks } = renderMessage({ text: 'New survey', input: form });
    const inputs = ofType(blocks, 'input');
    expect(inputs.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['title', 'plain_text_input', false],
      ['notes', 'plain_text_input', true],
      ['budget', 'number_input', false],
      ['kind', 'static_select', false],
      ['tags', 'multi_static_select', false],
      ['closes', 'datetimepicker', false],
    ]);
    expect(inputs[0]!.element).toMatchObject({ max_length: 100, initial_value: 'Fairs 2025', multiline: false });
    expect(inputs[2]!.element).toMatchObject({ is_decimal_allowed: false, min_value: '1', max_value: '10', initial_value: '5' });
    expect(inputs[3]!.element).toMatchObject({ initial_option: { value: 'dots' } });
    expect(inputs[5]!.element).toMatchObject({ initial_date_time: Date.parse('2025-03-01T09:00:00Z') / 1000 });
    expect(ofType(blocks, 'header')[0]!.text.text).toBe(form.title);
    expect(submitOf(blocks).action_id).toBe('surveys.create#0');
  });

  it('renders a form as a modal with the same inputs', () => {
    const view = formModal(form, '{"c":"C1"}', { close: 'Abbrechen' });
    expect(view).toMatchObject({ type: 'modal', callback_id: 'form:surveys.create', private_metadata: '{"c":"C1"}', close: { text: 'Abbrechen' } });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.submit!.text.length).toBeLessThanOrEqual(24);
    expect((view.blocks as InputBlock[]).map((b) => b.block_id)).toEqual(form.fields.map((f) => f.id));
    expect(formModal(form, '').close).toBeUndefined();
    expect(() => formModal(form, 'x'.repeat(3001))).toThrow(RangeError);
    expect(actionFromModal(view.callback_id!)).toBe('surveys.create');
    expect(actionFromModal('profile_modal')).toBeUndefined();
  });
});

describe('reading payloads back', () => {
  const selected = (value: string) => ({ text: { type: 'plain_text', text: value.toUpperCase(), emoji: true }, value });

  it('reads every element type of a view_submission', () => {
    const values = {
      title: { field: { type: 'plain_text_input', value: 'Fairs 2025' } },
      notes: { field: { type: 'plain_text_input', value: null } },
      budget: { field: { type: 'number_input', value: '5' } },
      kind: { field: { type: 'static_select', selected_option: selected('dots') } },
      tags: { field: { type: 'multi_static_select', selected_options: [selected('a'), selected('b')] } },
      closes: { field: { type: 'datetimepicker', selected_date_time: 1740819600 } },
      day: { field: { type: 'datepicker', selected_date: '2025-03-01' } },
      files: { field: { type: 'file_input', files: [] } },
      weird: { field: 'not an element' },
    };
    const view = { id: 'V1', type: 'modal', callback_id: 'form:surveys.create', private_metadata: '', state: { values } };
    expect(actionFromViewSubmission(view)).toEqual({
      id: 'surveys.create',
      value: '',
      fields: { title: 'Fairs 2025', budget: '5', kind: 'dots', tags: ['a', 'b'], closes: '2025-03-01T09:00:00.000Z', day: '2025-03-01' },
    });
    expect(actionFromViewSubmission({ ...view, callback_id: 'profile_modal' })).toBeUndefined();
  });

  it('reads a submit click with the choice state, and ignores the radio change before it', () => {
    const base = { type: 'block_actions', user: { id: 'U1' }, container: { type: 'message', message_ts: '1.2', channel_id: 'C1' }, trigger_id: 't' };
    const state = { values: { [CHOICE_FIELD]: { field: { type: 'radio_buttons', selected_option: selected('b') } } } };
    const change = { ...base, state, actions: [{ type: 'radio_buttons', action_id: 'field', block_id: CHOICE_FIELD, selected_option: selected('b'), action_ts: '1' }] };
    expect(actionFromBlockActions(change)).toBeUndefined();
    const submit = { ...base, state, actions: [{ type: 'button', action_id: 'polls.vote#1', block_id: 'x', value: '', text: { type: 'plain_text', text: 'Vote' }, action_ts: '2' }] };
    expect(actionFromBlockActions(submit)).toEqual({ id: 'polls.vote', value: '', fields: { choice: 'b' } });
    const checks = { values: { [CHOICE_FIELD]: { field: { type: 'checkboxes', selected_options: [selected('a'), selected('c')] } } } };
    expect(actionFromBlockActions({ ...submit, state: checks })!.fields).toEqual({ choice: ['a', 'c'] });
    const button = { ...base, actions: [{ type: 'button', action_id: 'answer.more#0', value: 'q1' }] };
    expect(actionFromBlockActions(button)).toEqual({ id: 'answer.more', value: 'q1' });
    const select = { ...base, actions: [{ type: 'static_select', action_id: 'profile.sector#0', selected_option: selected('automotive') }] };
    expect(actionFromBlockActions(select)).toEqual({ id: 'profile.sector', value: 'automotive' });
    expect(actionFromBlockActions({ actions: [] })).toBeUndefined();
    expect(actionFromBlockActions('nonsense')).toBeUndefined();
  });

  it('round-trips a dot budget: rendered selects, picked values, fields per option', () => {
    const input: Input = { kind: 'choice', action: 'dots.spend', budget: 3, options: [option('hannover'), option('bauma'), option('ces')] };
    const inputs = ofType(renderMessage({ text: 'Spread', input }).blocks, 'input');
    const picks: Record<string, string> = { hannover: '2', bauma: '1' };
    // What Slack sends: each input's state under block_id → action_id, untouched selects keep their initial option.
    const values = Object.fromEntries(
      inputs.map((b) => [b.block_id!, { [(b.element as { action_id: string }).action_id]: { type: 'static_select', selected_option: selected(picks[b.block_id!] ?? '0') } }]),
    );
    expect(fieldsFromState(values)).toEqual({ hannover: '2', bauma: '1', ces: '0' });
  });

  it('never throws on foreign shapes and keeps the prototype safe', () => {
    const hugeTime = { when: { f: { type: 'datetimepicker', selected_date_time: 1e20 } } };
    for (const bad of [undefined, null, 42, 'x', [], { a: null }, { a: [1] }, hugeTime]) expect(fieldsFromState(bad)).toEqual({});
    const fields = fieldsFromState(JSON.parse('{"__proto__":{"f":{"type":"plain_text_input","value":"p"}}}'));
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.keys(fields)).toEqual(['__proto__']);
    const long = fieldsFromState({ ['k'.repeat(101)]: { f: { type: 'plain_text_input', value: 'v' } }, k: { f: { type: 'plain_text_input', value: 'v'.repeat(5000) } } });
    expect(Object.keys(long)).toEqual(['k']);
    expect((long.k as string).length).toBe(4000);
  });
});
