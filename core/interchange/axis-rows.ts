// What the interchange's two kinds of durable outgoing rows share (status messages,
// `status-messages.ts`; outgoing documents, `send-outgoing.ts`): how a sender is configured, the
// backoff between attempts, when a row is given up, and the timestamps written into what is sent.
//
// Giving up (decision, issue 19): an axis that cannot be reached (network, timeout, 5xx) never makes a
// row fail: it waits and is tried again, however long the axis is down, so nothing is lost. An axis that
// answers and refuses (`FAIL`, a 4xx, an answer that is not the protocol's) is counted: after
// `maxRefusals` refusals in a row's life (default 8: about 40 minutes of backoff) the row is FAILED, no
// longer tried, and the people concerned are told once. A refusal that says the request itself is wrong
// (HTTP 400, 413, 415, 422: the same bytes can never be accepted) fails the row at once. Wrong
// credentials (401, 403) are the configuration's fault, not the row's: counted like any refusal.
import type { InterchangeError, InterchangeTransport } from "../ports/interchange-transport.ts";
import { localDateOf, localTimeOf } from "../time.ts";

/** Options of a job that sends due rows to the interchange. */
export type AxisSendOptions = {
  transport: InterchangeTransport;
  /** `AGENCY_ORGAN_ID`: the From of what we send. */
  agencyOrganId: string;
  /** Names this worker in the claim. */
  workerId: string;
  /** Rows per run. */
  limit?: number;
  /** How long a claim holds a row while it is built and sent. */
  claimMs?: number;
  /** First retry delay; doubled per attempt, at most `maxRetryMs`. @defaultValue 10_000 */
  retryBaseMs?: number;
  /** @defaultValue 1_800_000 (30 min) */
  maxRetryMs?: number;
  /** Refusals after which a row is given up (FAILED). @defaultValue 8 */
  maxRefusals?: number;
};

/** HTTP statuses that say the request itself is wrong: sending the same bytes again cannot succeed. */
const PERMANENT_HTTP = new Set([400, 413, 415, 422]);

/** Whether a failed send counts as a refusal (the axis answered, and said no). */
export const isAxisRefusal = (err: InterchangeError): boolean => err.kind !== "unreachable";

/**
 * What to do with a row after a failed send: try again later, or give it up (FAILED).
 *
 * @example axisFailureVerdict(err, 3, options) // "retry"
 */
export const axisFailureVerdict = (err: InterchangeError, refusalsSoFar: number, { maxRefusals = 8 }: Pick<AxisSendOptions, "maxRefusals"> = {}): "retry" | "fail" => {
  if (!isAxisRefusal(err)) return "retry";
  if (err.kind === "refused" && PERMANENT_HTTP.has(err.details.status ?? 0)) return "fail";
  return refusalsSoFar + 1 >= maxRefusals ? "fail" : "retry";
};

/** The wait before the next try after `attempts` failed ones (1 = the first failed): base · 2^(attempts-1), capped. */
export const axisRetryDelayMs = (attempts: number, { retryBaseMs = 10_000, maxRetryMs = 1_800_000 }: Pick<AxisSendOptions, "retryBaseMs" | "maxRetryMs"> = {}): number =>
  Math.min(maxRetryMs, retryBaseMs * 2 ** Math.max(0, attempts - 1));

/** `yyyy-MM-ddTHH:mm:ss` in the office's time zone (edXML timestamps). */
export const edxmlTimestamp = (at: Date, zone: string): string => `${localDateOf(at, zone)}T${localTimeOf(at, zone)}:${String(at.getUTCSeconds()).padStart(2, "0")}`;
