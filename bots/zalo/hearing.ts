// Whether the Zalo bot can hear people (issue 24). The platform gives no sign when it cannot:
// while a webhook is set, getUpdates just keeps answering 408 ("nothing new"), so a poller whose
// deleteWebhook failed (or whose webhook another process set) idles forever; in webhook mode
// another process can move the webhook away. The watch asks getWebhookInfo at start and then
// periodically, and reports a change both ways: an error log, an alert to the office (once per
// episode) and a `deaf` status that /healthz shows as degraded.
import type { ChannelDeafAlert } from "../../core/index.ts";
import type { BotLogger } from "../shared/types.ts";
import type { ZaloClient } from "./zalo-client.ts";
import { ZaloApiError } from "./zalo-error.ts";

/** What the watch last found. */
export type ZaloHearing = { deaf: false; checkedAt: Date | null } | { deaf: true; problem: ChannelDeafAlert["problem"]; detail: string; since: Date; checkedAt: Date };

export type ZaloHearingWatchOptions = {
  client: ZaloClient;
  logger: BotLogger;
  /** Polling: no webhook may be set. Webhook: the webhook must be `webhookUrl`. */
  mode: "polling" | { webhookUrl: string };
  now: () => Date;
  /** Told once per episode (webhook problems only: a failed check alone is logged and shown). */
  alert: (alert: ChannelDeafAlert) => Promise<unknown>;
  /**
   * Between two checks, in milliseconds; 0: no periodic check (call `check()` yourself).
   * @defaultValue 300_000 (5 minutes)
   */
  everyMs?: number;
};

export type ZaloHearingWatch = {
  /** Checks once now and returns what it found (never throws). */
  check(): Promise<ZaloHearing>;
  /** What the last check found. */
  status(): ZaloHearing;
  /** Stops the periodic checks and waits for a check in progress. */
  stop(): Promise<void>;
};

export const DEFAULT_HEARING_CHECK_MS = 300_000;

const describe = (err: unknown): string => (err instanceof ZaloApiError ? `${err.error_code}: ${err.description}` : err instanceof Error ? err.message : String(err));

/**
 * Starts watching (the first check runs at once; its promise is `check()`'s when called).
 *
 * @example
 * const watch = startZaloHearingWatch({ client, logger, mode: "polling", now: () => new Date(), alert: (a) => alertChannelDeaf(deps, a) });
 * const first = await watch.check();
 */
export const startZaloHearingWatch = (opts: ZaloHearingWatchOptions): ZaloHearingWatch => {
  let state: ZaloHearing = { deaf: false, checkedAt: null };
  let running: Promise<ZaloHearing> | null = null;
  let stopped = false;

  const findProblem = async (): Promise<{ problem: ChannelDeafAlert["problem"]; detail: string } | null> => {
    let url: string;
    try {
      url = (await opts.client.getWebhookInfo()).url;
    } catch (err) {
      return { problem: "checkFailed", detail: describe(err) };
    }
    if (opts.mode === "polling") return url === "" ? null : { problem: "webhookSet", detail: url };
    return url === opts.mode.webhookUrl ? null : { problem: "webhookLost", detail: url === "" ? "(none)" : url };
  };

  const checkOnce = async (): Promise<ZaloHearing> => {
    const found = await findProblem();
    const at = opts.now();
    if (!found) {
      if (state.deaf) opts.logger.info({ problem: state.problem, since: state.since }, "the Zalo bot hears people again");
      state = { deaf: false, checkedAt: at };
      return state;
    }
    const sameEpisode = state.deaf && state.problem === found.problem;
    const since = sameEpisode && state.deaf ? state.since : at;
    const next: ZaloHearing = { deaf: true, problem: found.problem, detail: found.detail, since, checkedAt: at };
    if (sameEpisode) {
      state = next;
      return state;
    }
    const mode = opts.mode === "polling" ? "polling" : "webhook";
    opts.logger.error(
      { problem: found.problem, detail: found.detail, mode },
      found.problem === "webhookSet"
        ? "the Zalo bot is DEAF: polling, but a webhook is still set, so getUpdates only ever answers 408. Delete the webhook (or stop the process that set it)"
        : found.problem === "webhookLost"
          ? "the Zalo bot is DEAF: its webhook no longer points here. Another process may be using the same bot"
          : "could not check the Zalo webhook (getWebhookInfo failed): the bot may be deaf",
    );
    if (found.problem !== "checkFailed") {
      await opts
        .alert({ channel: "ZALO", problem: found.problem, detail: found.detail, since: since.toISOString() })
        .catch((err: unknown) => opts.logger.error({ err }, "could not queue the office alert about the deaf Zalo bot"));
    }
    // Published once reported: whoever sees `deaf` can rely on the log line and the alert.
    state = next;
    return state;
  };

  const check = (): Promise<ZaloHearing> => {
    running ??= checkOnce().finally(() => {
      running = null;
    });
    return running;
  };

  const everyMs = opts.everyMs ?? DEFAULT_HEARING_CHECK_MS;
  const timer = everyMs > 0 ? setInterval(() => void (stopped ? undefined : check()), everyMs) : null;
  timer?.unref();

  return {
    check,
    status: () => state,
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
};
