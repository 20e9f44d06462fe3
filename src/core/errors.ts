/** Coded errors: a refusal the user should read. The pipeline answers it privately; HTTP channels map it to a status. */

export type ErrorCode = 'BAD_INPUT' | 'NOT_ALLOWED' | 'NOT_FOUND' | 'CLOSED' | 'CONFLICT' | 'UNSUPPORTED' | 'UNAVAILABLE';

/** The HTTP status an HTTP channel answers for each code. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CLOSED: 409,
  CONFLICT: 409,
  UNSUPPORTED: 501,
  UNAVAILABLE: 503,
};

/** Thrown by handlers with a message already in the user's language; nothing the user sees is parsed from it. */
export class AdvisorError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'AdvisorError';
  }
}

/**
 * The channel could not deliver a reply (the platform timed out, refused or was unreachable). Transient: a turn
 * from the inbox is tried again, skipping the replies already delivered.
 */
export class DeliveryError extends Error {
  constructor(cause: unknown) {
    super(`could not deliver a reply: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DeliveryError';
  }
}

/**
 * The platform refused for good to reach a user (a deactivated account, a bot, an app not installed for them): trying
 * again will not help, so a survey counts them as unreachable instead of retrying.
 */
export class UnreachableError extends AdvisorError {
  constructor(userMessage: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', userMessage, options);
    this.name = 'UnreachableError';
  }
}
