/**
 * TurnOutput for one Slack request: where the core's messages of that turn go. Private messages go through the
 * request's response_url when there is one (it works in channels the app has not joined), else as ephemerals; a form
 * opens as a modal while the request's trigger_id is fresh; conversation messages are posted and can be updated.
 */
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../common/logger.js';
import type { Audience, Message, MessageRef, TurnOutput } from '../../core/message.js';
import { SlackApiError, type SlackMessenger } from './messenger.js';
import { attachmentsToUpload, formModal, renderMessage } from './render.js';

export interface SlackTarget {
  team?: string;
  channel: string;
  user: string;
  thread?: string;
  /** Replies default to the acting user only (slash commands, clicks in ephemeral messages). */
  private: boolean;
  /** The request's response_url, for private replies and for replacing an ephemeral source. */
  respond?: RespondFn;
  /** Valid for 3 seconds after the request: lets a form open as a modal. */
  triggerId?: string;
  /** The message whose button was pressed. */
  source?: MessageRef;
}

export class SlackTurnOutput implements TurnOutput {
  private triggerUsed = false;

  constructor(
    private readonly client: WebClient,
    private readonly messenger: SlackMessenger,
    private readonly target: SlackTarget,
    private readonly logger: Logger,
  ) {}

  async say(message: Message, options: { audience?: Audience } = {}): Promise<MessageRef | undefined> {
    const t = this.target;
    const isPrivate = options.audience ? options.audience === 'private' : t.private;
    if (message.input?.kind === 'form' && t.triggerId && !this.triggerUsed) {
      this.triggerUsed = true;
      await this.client.views.open({ trigger_id: t.triggerId, view: formModal(message.input, JSON.stringify({ channel: t.channel, thread: t.thread })) });
      message = { ...message, input: undefined };
    }
    if (t.respond) {
      const { text, blocks } = renderMessage(message);
      await t.respond({ text, blocks, response_type: isPrivate ? 'ephemeral' : 'in_channel', replace_original: false });
      const missing = attachmentsToUpload(message);
      if (missing.length) this.logger.warn({ files: missing.length }, 'files cannot travel through response_url; not uploaded');
      return undefined;
    }
    const address = { channel: 'slack' as const, team: t.team, conversation: t.channel, thread: t.thread };
    try {
      return await this.messenger.post(address, message, isPrivate ? { privateTo: { channel: 'slack', team: t.team, user: t.user } } : undefined);
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
    if (t.respond && !t.source) {
      const { text, blocks } = renderMessage(message);
      await t.respond({ text, blocks, replace_original: true });
    } else if (t.source) await this.messenger.update(t.source, message);
    else await this.say(message);
  }
}
