/**
 * TurnOutput for one Slack request: where the core's messages of that turn go. Private messages go through the
 * request's response_url when there is one (it works in channels the app has not joined), else as ephemerals; a form
 * opens as a modal while the request's trigger_id is fresh; conversation messages are posted and can be updated.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../common/logger.js';
import { MessageRefSchema } from '../../core/event.js';
import type { Message, MessageRef, SayOptions, TurnOutput } from '../../core/message.js';
import { SlackApiError, type SlackMessenger } from './messenger.js';
import { attachmentsToUpload, formModal, renderMessage } from './render.js';

/** Where a turn's replies go, as stored with the delivery in the inbox (plain JSON: the turn may run after a restart). */
export const SlackTargetSchema = z.object({
  team: z.string().optional(),
  channel: z.string().min(1),
  user: z.string().min(1),
  thread: z.string().optional(),
  /** Replies default to the acting user only (slash commands, clicks in ephemeral messages). */
  private: z.boolean(),
  /** The request's response_url, for private replies and for replacing an ephemeral source (valid 30 minutes). */
  responseUrl: z.string().url().optional(),
  /** Valid for 3 seconds after the request: lets a form open as a modal. */
  triggerId: z.string().optional(),
  /** The message whose button was pressed. */
  source: MessageRefSchema.optional(),
});
export type SlackTarget = z.infer<typeof SlackTargetSchema>;

interface ResponseUrlBody {
  text: string;
  blocks?: unknown[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

/** Posts to a response_url, with the same timeout as Web API calls: a hung endpoint must not hold a turn. */
async function respondTo(url: string, body: ResponseUrlBody, timeoutMs: number): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new SlackApiError('response_url', `http_${response.status}`);
}

export class SlackTurnOutput implements TurnOutput {
  private triggerUsed = false;

  constructor(
    private readonly client: WebClient,
    private readonly messenger: SlackMessenger,
    private readonly target: SlackTarget,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  async say(message: Message, options: SayOptions = {}): Promise<MessageRef | undefined> {
    const t = this.target;
    // Replies to a modal go to the user's DM with the app (the channel is their user id), where a plain message is
    // already private: Slack's ephemerals need a conversation the user is in.
    const isPrivate = t.channel !== t.user && (options.audience ? options.audience === 'private' : t.private);
    if (message.input?.kind === 'form' && t.triggerId && !this.triggerUsed) {
      this.triggerUsed = true;
      try {
        await this.client.views.open({ trigger_id: t.triggerId, view: formModal(message.input, JSON.stringify({ channel: t.channel, thread: t.thread })) });
        message = { ...message, input: undefined };
      } catch (err) {
        // The trigger lives 3 seconds: a turn run late (after a restart, or a retry) shows the form in the message.
        this.logger.info({ err: { message: (err as Error).message } }, 'could not open the form as a modal; it goes in the message');
      }
    }
    if (t.responseUrl) {
      const { text, blocks } = renderMessage(message);
      await respondTo(t.responseUrl, { text, blocks, response_type: isPrivate ? 'ephemeral' : 'in_channel', replace_original: false }, this.timeoutMs);
      const missing = attachmentsToUpload(message);
      if (missing.length) this.logger.warn({ files: missing.length }, 'files cannot travel through response_url; not uploaded');
      return undefined;
    }
    const address = { channel: 'slack' as const, team: t.team, conversation: t.channel, thread: t.thread };
    const delivery = options.delivery;
    if (!isPrivate && delivery?.rerun) {
      // This turn ran before (a crash, a timeout): the reply may be out already.
      const earlier = await this.messenger.findTagged(address, delivery.tag, delivery.since);
      if (earlier) return earlier;
    }
    try {
      return await this.messenger.post(address, message, isPrivate ? { privateTo: { channel: 'slack', team: t.team, user: t.user } } : { tag: delivery?.tag });
    } catch (err) {
      // The message went out and only its file upload failed (e.g. no files:write scope): the inline preview stands.
      if (err instanceof SlackApiError && err.posted) {
        this.logger.warn({ code: err.code }, 'Slack file upload failed; the message was posted without the file');
        return err.posted;
      }
      throw err;
    }
  }

  async replaceSource(message: Message): Promise<void> {
    const t = this.target;
    if (t.responseUrl && !t.source) {
      const { text, blocks } = renderMessage(message);
      await respondTo(t.responseUrl, { text, blocks, replace_original: true }, this.timeoutMs);
    } else if (t.source) await this.messenger.update(t.source, message);
    else await this.say(message);
  }
}
