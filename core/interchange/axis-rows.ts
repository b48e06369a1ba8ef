// What the interchange's two kinds of durable outgoing rows share (status messages,
// `status-messages.ts`; outgoing documents, `send-outgoing.ts`): how a sender is configured, the
// backoff between attempts and the timestamps written into what is sent.
import type { InterchangeTransport } from "../ports/interchange-transport.ts";
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
};

/** The wait before the next try after `attempts` failed ones (1 = the first failed): base · 2^(attempts-1), capped. */
export const axisRetryDelayMs = (attempts: number, { retryBaseMs = 10_000, maxRetryMs = 1_800_000 }: Pick<AxisSendOptions, "retryBaseMs" | "maxRetryMs"> = {}): number =>
  Math.min(maxRetryMs, retryBaseMs * 2 ** Math.max(0, attempts - 1));

/** `yyyy-MM-ddTHH:mm:ss` in the office's time zone (edXML timestamps). */
export const edxmlTimestamp = (at: Date, zone: string): string => `${localDateOf(at, zone)}T${localTimeOf(at, zone)}:${String(at.getUTCSeconds()).padStart(2, "0")}`;
