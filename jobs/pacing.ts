// The one pacing layer per channel: a wrapper Sender that keeps each platform's sends from this
// process under `overallPerSecond`, and one send per `perChatIntervalMs` per chat (Telegram: about
// 30/s per bot and 1/s per chat). The delivery queue has no rate limit of its own (it would cap every
// channel at one platform's rate) and the Telegram client no throttler; grammY's auto-retry stays only
// to honour a 429's retry_after in place. The web chat is not paced: it is our own page.
//
// The pacing is per process: with N jobs processes, give each 1/N of the platform's rate
// (TELEGRAM_SENDS_PER_SECOND, ZALO_SENDS_PER_SECOND); a 429 that gets through pauses the delivery
// queue for its retry_after.
//
// A send that would wait longer than `maxWaitMs` is not held (it would hold its outbox claim): it
// fails at once as `rate_limited` with the wait as retry-after, so the row goes back to PENDING
// without spending an attempt.
import { type Channel, type Sender, SendError, abortedSendError } from "../core/index.ts";

export type PacingOptions = {
  /** Sends per second on this platform from this process. */
  overallPerSecond: number;
  /** Smallest gap between two sends to one chat. @defaultValue 1000 */
  perChatIntervalMs?: number;
  /** Longest a send may wait for its slot before it is refused as rate_limited. @defaultValue 10000 */
  maxWaitMs?: number;
  /** Time source and sleep (tests). */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

/** Pacing per channel; null: not paced. */
export type ChannelPacing = Record<Channel, PacingOptions | null>;

/**
 * Defaults per channel (app/config.ts: TELEGRAM_SENDS_PER_SECOND, ZALO_SENDS_PER_SECOND). Telegram
 * allows about 30/s overall; pacing exactly at the limit met 429s in the fan-out benchmark (send times
 * jitter across the platform's 1-second window), so stay a little under it. Zalo publishes no limit:
 * stay conservative. The web chat stores the message and pushes it to open pages: no platform to spare.
 */
export const DEFAULT_PACING: ChannelPacing = {
  TELEGRAM: { overallPerSecond: 28, perChatIntervalMs: 1_000 },
  ZALO: { overallPerSecond: 5, perChatIntervalMs: 1_000 },
  WEB: null,
};

/** The pacing of each channel at the configured rates (sends per second from this process). */
export const channelPacing = (rates: { TELEGRAM_SENDS_PER_SECOND: number; ZALO_SENDS_PER_SECOND: number }): ChannelPacing => ({
  TELEGRAM: { ...DEFAULT_PACING.TELEGRAM, overallPerSecond: rates.TELEGRAM_SENDS_PER_SECOND },
  ZALO: { ...DEFAULT_PACING.ZALO, overallPerSecond: rates.ZALO_SENDS_PER_SECOND },
  WEB: DEFAULT_PACING.WEB,
});

/** Waits `ms`; an abort ends the wait early (the caller then checks the signal). */
const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });

/** Wraps a Sender so that its sends are paced. */
export const createPacedSender = (sender: Sender, opts: PacingOptions): Sender => {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const spacing = 1_000 / opts.overallPerSecond;
  const perChat = opts.perChatIntervalMs ?? 1_000;
  const maxWait = opts.maxWaitMs ?? 10_000;
  let nextGlobal = 0;
  const nextChat = new Map<string, number>();
  return {
    channel: sender.channel,
    ...(sender.inbox ? { inbox: true } : {}),
    send: async (target, message, options) => {
      const signal = options?.signal;
      if (signal?.aborted) throw abortedSendError(signal);
      const t = now();
      const slot = Math.max(t, nextGlobal, nextChat.get(target.chatId) ?? 0);
      const wait = slot - t;
      if (wait > maxWait) throw new SendError("rate_limited", `paced: next slot for this chat in ${Math.ceil(wait)} ms`, Math.ceil(wait));
      nextGlobal = slot + spacing;
      nextChat.set(target.chatId, slot + perChat);
      if (nextChat.size > 10_000) for (const [chat, at] of nextChat) if (at < t) nextChat.delete(chat);
      if (wait > 0) await sleep(wait, signal);
      // Cancelled while waiting for its slot: nothing was sent.
      if (signal?.aborted) throw abortedSendError(signal);
      return sender.send(target, message, options);
    },
  };
};

/**
 * Paces every configured sender: `pacing` per channel (DEFAULT_PACING, or `channelPacing(config)`),
 * each field overridable. A channel whose pacing is null (the web chat) gets its sender as it is.
 */
export const pacedSenders = (
  senders: Partial<Record<Channel, Sender>>,
  overrides: Partial<Record<Channel, Partial<PacingOptions>>> = {},
  pacing: ChannelPacing = DEFAULT_PACING,
): Partial<Record<Channel, Sender>> => {
  const out: Partial<Record<Channel, Sender>> = {};
  for (const [channel, sender] of Object.entries(senders) as Array<[Channel, Sender]>) {
    const base = pacing[channel];
    out[channel] = base ? createPacedSender(sender, { ...base, ...overrides[channel] }) : sender;
  }
  return out;
};
