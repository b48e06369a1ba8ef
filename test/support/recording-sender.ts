// A real implementation of the Sender port for tests: it records every message per target and can be
// told to fail like a platform does (429 with retry-after, 5xx, 403, 400) or to hang.
import type { OutboundMessage, SendResult, Sender, SendTarget } from "../../core/ports/sender.ts";
import { SendError, abortedSendError } from "../../core/ports/sender.ts";
import type { Channel } from "../../core/store/generated/enums.ts";

export type SenderFailure =
  | { kind: "rate_limited"; retryAfterMs: number }
  | { kind: "transient"; status?: number }
  | { kind: "blocked" }
  | { kind: "permanent" }
  /** Never answers until `releaseHung()` (then it succeeds) or its signal aborts (then nothing is sent): a platform that times out. */
  | { kind: "hang" };

export type SentRecord = { target: SendTarget; message: OutboundMessage; platformMessageId: string };

export type RecordingSender = Sender & {
  /** Every accepted message, in order. */
  readonly sent: SentRecord[];
  /** Every call, accepted or failed. */
  readonly calls: SendTarget[];
  /** The signal each call was given (undefined: none), in call order. */
  readonly signals: Array<AbortSignal | undefined>;
  /** Messages accepted for one chat. */
  sentTo(chatId: string): SentRecord[];
  /**
   * Makes the next `times` sends (to `chatId`, or to anyone) fail this way.
   * @defaultValue times 1; Infinity fails for good.
   */
  fail(failure: SenderFailure, opts?: { chatId?: string; times?: number }): void;
  /** Resolves every hung send (each then succeeds and is recorded). */
  releaseHung(): void;
  /** Waits this long inside every send (slow platform). */
  delayMs: number;
};

type Rule = { failure: SenderFailure; chatId?: string; remaining: number };

export const createRecordingSender = (channel: Channel): RecordingSender => {
  const sent: SentRecord[] = [];
  const calls: SendTarget[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  const rules: Rule[] = [];
  const hung: Array<() => void> = [];
  let counter = 0;
  const self: RecordingSender = {
    channel,
    sent,
    calls,
    signals,
    delayMs: 0,
    sentTo: (chatId) => sent.filter((s) => s.target.chatId === chatId),
    fail: (failure, opts = {}) => {
      rules.push({ failure, remaining: opts.times ?? 1, ...(opts.chatId !== undefined ? { chatId: opts.chatId } : {}) });
    },
    releaseHung: () => {
      for (const resume of hung.splice(0)) resume();
    },
    send: async (target, message, options = {}): Promise<SendResult> => {
      const { signal } = options;
      calls.push(target);
      signals.push(signal);
      if (self.delayMs > 0) await new Promise((r) => setTimeout(r, self.delayMs));
      const rule = rules.find((r) => r.remaining > 0 && (r.chatId === undefined || r.chatId === target.chatId));
      if (rule) {
        rule.remaining -= 1;
        const f = rule.failure;
        if (f.kind === "rate_limited") throw new SendError("rate_limited", "429: Too Many Requests", f.retryAfterMs);
        if (f.kind === "transient") throw new SendError("transient", `${f.status ?? 502}: Bad Gateway`);
        if (f.kind === "blocked") throw new SendError("blocked", "403: Forbidden: bot was blocked by the user");
        if (f.kind === "permanent") throw new SendError("permanent", "400: Bad Request: message is too long");
        await new Promise<void>((resume) => {
          hung.push(resume);
          signal?.addEventListener("abort", () => resume());
        });
      }
      // A cancelled send sends nothing, as the channel senders do.
      if (signal?.aborted) throw abortedSendError(signal);
      counter += 1;
      const platformMessageId = `${channel.toLowerCase()}-${counter}`;
      sent.push({ target, message, platformMessageId });
      return { platformMessageId };
    },
  };
  return self;
};
