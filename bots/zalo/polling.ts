// Long polling for the Zalo Bot Platform. `getUpdates` returns ONE update per call, or error 408
// when nothing arrived within `timeout` seconds: a 408 is the normal idle answer, not a failure
// (and the only answer while a webhook is set: see hearing.ts).

import { ZaloApiError } from "./zalo-error.ts";
import type { ZaloClient, ZaloRawUpdate } from "./zalo-client.ts";
import { normalizeZaloUpdate } from "./updates.ts";
import type { ZaloUpdate } from "./updates.ts";

/** Where a reported polling error came from. */
export type ZaloPollingErrorContext =
  /** `getUpdates` failed; the loop waits `retryInMs` and tries again. */
  | { kind: "fetch"; retryInMs: number }
  /** `onUpdate` threw for this update; the loop goes on with the next one. */
  | { kind: "handler"; update: ZaloUpdate }
  /** getUpdates returned something that is not an update; it was skipped. */
  | { kind: "invalid-update"; raw: unknown }
  /** `onIdle` threw; the loop goes on. */
  | { kind: "idle" };

/** Options of {@link startZaloPolling}. */
export type ZaloPollingOptions = {
  /** A client from `createZaloClient`. */
  client: ZaloClient;
  /** Called for each update, one at a time, in order. Its errors are reported, never fatal. */
  onUpdate: (update: ZaloUpdate) => Promise<void> | void;
  /**
   * Seconds the server may hold each `getUpdates` call.
   * @defaultValue 30
   */
  timeoutSeconds?: number;
  /** Stops the loop when aborted (same as calling `stop()`). */
  signal?: AbortSignal;
  /**
   * Receives every failure: fetch errors (with the wait before the retry), handler errors and
   * unreadable updates.
   * @defaultValue logs the error's name, code and message with `console.error` (never the token)
   */
  onError?: (error: unknown, context: ZaloPollingErrorContext) => void;
  /**
   * Called after each 408 with the number of 408s in a row. A long run of them is how a set
   * webhook looks from here: the bot uses it to check `getWebhookInfo` (hearing.ts).
   */
  onIdle?: (consecutive: number) => void;
  /**
   * First wait after a failed `getUpdates`; doubles on each consecutive failure.
   * @defaultValue 1_000
   */
  initialBackoffMs?: number;
  /**
   * Cap of the doubling wait (a 429's `retry_after` is honoured even when longer).
   * @defaultValue 60_000
   */
  maxBackoffMs?: number;
};

/** A running polling loop. */
export type ZaloPollingHandle = {
  /** Aborts the pending `getUpdates`, waits for the current `onUpdate` to finish, then resolves. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended (after `stop()` or an abort of `signal`). */
  readonly done: Promise<void>;
};

const defaultOnError = (error: unknown, context: ZaloPollingErrorContext): void => {
  const detail =
    error instanceof ZaloApiError ? `${error.name} ${error.error_code}: ${error.description}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[bot:zalo] polling ${context.kind} error: ${detail}`);
};

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Starts a long-polling loop: `getUpdates` → normalise → `onUpdate`, until stopped.
 *
 * - error 408: nothing arrived, poll again at once;
 * - 429: wait `retry_after` seconds when given, else back off;
 * - any other failure (network, 5xx, 401…): report it, back off
 *   (doubling from `initialBackoffMs` up to `maxBackoffMs`) and try again;
 * - a failing `onUpdate` is reported and the loop goes on.
 *
 * While a webhook is set the platform raises no error: every poll answers 408, exactly as when
 * idle, so this loop cannot tell. Call `client.deleteWebhook()` first and confirm with
 * `getWebhookInfo` (createZaloBot's hearing watch does both and reports a deaf bot).
 *
 * @example
 * ```ts
 * const polling = startZaloPolling({ client: zalo, onUpdate: (u) => handle(u) });
 * process.once("SIGTERM", () => void polling.stop());
 * ```
 */
export const startZaloPolling = ({
  client,
  onUpdate,
  timeoutSeconds = 30,
  signal,
  onError = defaultOnError,
  onIdle,
  initialBackoffMs = 1_000,
  maxBackoffMs = 60_000,
}: ZaloPollingOptions): ZaloPollingHandle => {
  const controller = new AbortController();
  const stopSignal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;

  const report = (error: unknown, context: ZaloPollingErrorContext) => {
    try {
      onError(error, context);
    } catch {
      // A failing error reporter must not kill the loop.
    }
  };

  const handle = async (raw: ZaloRawUpdate) => {
    // An empty object is how the client hands over an empty result: nothing to do.
    if (Object.keys(raw).length === 0) return;
    const update = normalizeZaloUpdate(raw);
    if (!update) return report(new Error("getUpdates returned something that is not an update"), { kind: "invalid-update", raw });
    try {
      await onUpdate(update);
    } catch (error) {
      report(error, { kind: "handler", update });
    }
  };

  const loop = async () => {
    let backoffMs = initialBackoffMs;
    let idle = 0;
    while (!stopSignal.aborted) {
      let result: ZaloRawUpdate | ZaloRawUpdate[];
      try {
        result = await client.getUpdates({ timeout: timeoutSeconds }, { signal: stopSignal });
      } catch (error) {
        if (stopSignal.aborted) break;
        if (error instanceof ZaloApiError && error.error_code === 408) {
          idle += 1;
          try {
            onIdle?.(idle);
          } catch (err) {
            report(err, { kind: "idle" });
          }
          continue;
        }
        const retryAfterS = error instanceof ZaloApiError && error.error_code === 429 ? error.parameters.retry_after : undefined;
        const waitMs = retryAfterS !== undefined ? retryAfterS * 1000 : backoffMs;
        report(error, { kind: "fetch", retryInMs: waitMs });
        await sleep(waitMs, stopSignal);
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
        continue;
      }
      backoffMs = initialBackoffMs;
      idle = 0;
      // Updates already received are handled even if a stop arrives meanwhile: they are not lost.
      for (const raw of Array.isArray(result) ? result : [result]) await handle(raw);
    }
  };

  const done = loop();
  return {
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
};
