// The core Sender port on Zalo (STYLE.md rule 15): the delivery jobs render outbox rows into
// OutboundMessages and hand them here. Rendered exactly like the bot's replies (render-zalo.ts):
// plain text ending with the reply commands, files as signed links bound to the person, page 1 of a
// PDF as a photo preview. Platform failures become the SendError kinds the delivery job acts on.
import { type FileStore, SendError, abortedSendError, type OutboundMessage, type SendOptions, type SendResult, type Sender, type SendTarget } from "../../core/index.ts";
import type { BotLogger } from "../shared/types.ts";
import { createPdfPreviewer } from "./pdf-preview.ts";
import type { PdfPreviewer } from "./pdf-preview.ts";
import { sendZaloMessage } from "./send-zalo-message.ts";
import type { ZaloFileLinks } from "./send-zalo-message.ts";
import type { ZaloClient } from "./zalo-client.ts";
import { ZaloApiError, ZaloHttpError } from "./zalo-error.ts";

/**
 * The wait after a 429 without `retry_after`: Zalo publishes no rate limit, so back off for a
 * conservative while rather than hammer the quota.
 */
export const DEFAULT_ZALO_RETRY_AFTER_MS = 30_000;

export type ZaloSenderOptions = {
  /** A client from `createZaloClient` (no polling needed: a jobs-only process can send). */
  client: ZaloClient;
  /** Where attachments (and their previews) are read from and stored. */
  files: FileStore;
  /** `PUBLIC_BASE_URL` and the `/files/` route's secret; null: attachments are named, not linked. */
  fileLinks: ZaloFileLinks | null;
  /**
   * Page-1 previews of PDFs; false: none.
   * @defaultValue pdftoppm into `files` (skipped when pdftoppm is missing)
   */
  previews?: PdfPreviewer | false;
  /**
   * The clock links expire by (the core clock in tests).
   * @defaultValue the system clock
   */
  clock?: { now(): Date };
  logger?: BotLogger;
};

/**
 * A 403 whose description says the person blocked or left the bot. No public source documents
 * what a 403 means for a Zalo bot (ZALO.md), so only the platform's own words mark a person
 * unreachable; any other 403 is a permanent failure of this message, logged with its description.
 */
const BLOCKED_DESCRIPTION = /block|chặn|unfollow|bỏ theo dõi|not a (?:friend|follower)|has left/i;

/**
 * A Zalo client error → the SendError kind the delivery job acts on. The message of every kind
 * carries the platform's `error_code: description`.
 */
export const toZaloSendError = (err: unknown): SendError => {
  if (err instanceof SendError) return err;
  if (err instanceof ZaloApiError) {
    const code = err.error_code;
    const why = `${code}: ${err.description}`;
    if (code === 429) {
      const retryAfter = err.parameters.retry_after;
      return new SendError("rate_limited", why, retryAfter !== undefined && retryAfter > 0 ? retryAfter * 1000 : DEFAULT_ZALO_RETRY_AFTER_MS, { cause: err });
    }
    if (code === 403) return new SendError(BLOCKED_DESCRIPTION.test(err.description) ? "blocked" : "permanent", why, undefined, { cause: err });
    // 408 on a send is a timeout: worth another try like a 5xx.
    if (code >= 500 || code === 408 || err.httpStatus >= 500) return new SendError("transient", why, undefined, { cause: err });
    // 400 (the message is refused), 401 (bad token: retrying cannot fix it), 404.
    return new SendError("permanent", why, undefined, { cause: err });
  }
  if (err instanceof ZaloHttpError) return new SendError("transient", err.message, undefined, { cause: err });
  return new SendError("transient", err instanceof Error ? err.message : String(err), undefined, { cause: err });
};

/**
 * Creates the Zalo sender (channel "ZALO").
 *
 * @example
 * const zalo = createZaloClient({ token: config.ZALO_BOT_TOKEN, apiBase: config.ZALO_API_BASE });
 * senders.ZALO = createZaloSender({ client: zalo, files: deps.files, fileLinks: { baseUrl: config.PUBLIC_BASE_URL, secret } });
 */
export const createZaloSender = (opts: ZaloSenderOptions): Sender & { client: ZaloClient } => {
  const previews = opts.previews === false ? null : (opts.previews ?? createPdfPreviewer({ files: opts.files, ...(opts.logger ? { logger: opts.logger } : {}) }));
  const clock = opts.clock ?? { now: () => new Date() };
  return {
    channel: "ZALO",
    client: opts.client,
    async send(target: SendTarget, message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
      const { signal } = options;
      try {
        const id = await sendZaloMessage({
          client: opts.client,
          chatId: target.chatId,
          message,
          locale: target.locale,
          userId: target.userId,
          fileLinks: opts.fileLinks,
          previews,
          now: () => clock.now(),
          ...(opts.logger ? { logger: opts.logger } : {}),
          ...(signal ? { signal } : {}),
        });
        return { platformMessageId: id };
      } catch (err) {
        if (signal?.aborted) throw abortedSendError(signal);
        throw toZaloSendError(err);
      }
    },
  };
};
