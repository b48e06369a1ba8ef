// The core Sender port on Telegram (STYLE.md rule 15): the delivery jobs render outbox rows into
// OutboundMessages and hand them here. Built on grammY's plain `Api`, so a jobs-only process can
// send without a polling Bot. Pacing is not done here but in the one pacing layer of the delivery
// jobs (jobs/pacing.ts). A 429 that gets through anyway is honoured: a short retry_after is waited
// out in place and the call repeated (grammY's auto-retry, which also retries 5xx), a longer one is
// returned to the job layer as `rate_limited` so it pauses the queue instead of a worker.
// With `cards`, a message whose `cardKey` was sent to the chat before edits that card in place (one
// living card per assignment and chat; see send-message.ts `deliverCard`).
import { autoRetry } from "@grammyjs/auto-retry";
import { Api, GrammyError, HttpError } from "grammy";
import {
  type FileStore,
  type CardRegistryDeps,
  SendError,
  abortedSendError,
  type OutboundMessage,
  type SendOptions,
  type SendResult,
  type Sender,
  type SendTarget,
} from "../../core/index.ts";
import { telegramCards } from "./cards.ts";
import { deliverCard } from "./send-message.ts";

export type TelegramSenderOptions = {
  token: string;
  /** Bot API root, e.g. a local telegram-bot-api server. @defaultValue https://api.telegram.org */
  apiRoot?: string;
  /** Where attachments are read from (by SHA-256). */
  files?: FileStore;
  /** Longest 429 wait retried in place, in seconds; longer ones become `rate_limited`. @defaultValue 5 */
  maxRetryDelaySeconds?: number;
  /** Retries in place (429 within the delay above, 5xx with backoff from 3 s). @defaultValue 2 */
  maxRetryAttempts?: number;
  /**
   * Where living cards are remembered (core's card registry). With it, a message whose `cardKey`
   * was already sent to the chat edits that card in place. @defaultValue none: every message is new
   */
  cards?: CardRegistryDeps;
};

/** A grammY error → the SendError kind the delivery job acts on. */
export const toSendError = (err: unknown): SendError => {
  if (err instanceof SendError) return err;
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 403) return new SendError("blocked", err.description, undefined, { cause: err });
    if (code === 429) return new SendError("rate_limited", err.description, (err.parameters.retry_after ?? 1) * 1000, { cause: err });
    if (code >= 500) return new SendError("transient", err.description, undefined, { cause: err });
    return new SendError("permanent", err.description, undefined, { cause: err });
  }
  if (err instanceof HttpError) return new SendError("transient", err.message, undefined, { cause: err });
  return new SendError("transient", err instanceof Error ? err.message : String(err), undefined, { cause: err });
};

/**
 * Installs retries on an Api: a 429 whose retry_after is at most `maxRetryDelaySeconds` is waited out
 * and the call repeated; a 5xx or a network error is retried with backoff. No throttling: the delivery
 * jobs pace Telegram (jobs/pacing.ts), and the bot's own answers follow the people's messages.
 */
export const configureApi = (api: Api, opts: { maxRetryDelaySeconds?: number; maxRetryAttempts?: number } = {}): Api => {
  api.config.use(autoRetry({ maxRetryAttempts: opts.maxRetryAttempts ?? 2, maxDelaySeconds: opts.maxRetryDelaySeconds ?? 5, rethrowHttpErrors: false }));
  return api;
};

export const createTelegramSender = (opts: TelegramSenderOptions): Sender & { api: Api } => {
  const api = configureApi(new Api(opts.token, opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), opts);
  const cards = opts.cards ? telegramCards(opts.cards) : undefined;
  return {
    channel: "TELEGRAM",
    api,
    async send(target: SendTarget, message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
      const { signal } = options;
      try {
        const id = await deliverCard(api, target.chatId, message, { cards, files: opts.files, mode: "edit", ...(signal ? { signal } : {}) });
        return { platformMessageId: String(id) };
      } catch (err) {
        // Cancelled (the delivery's deadline): auto-retry's wait or the request itself was aborted.
        if (signal?.aborted) throw abortedSendError(signal);
        throw toSendError(err);
      }
    },
  };
};
