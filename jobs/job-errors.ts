// How a handler tells a runner what kind of failure it hit (STYLE.md rule 11):
// - RateLimitedError: the platform said 429; pause this queue and run the job again after
//   `retryAfterMs` WITHOUT spending an attempt (BullMQ: worker.rateLimit + Worker.RateLimitError);
// - a DomainError or an invalid payload: a retry cannot fix it, fail at once (BullMQ UnrecoverableError);
// - anything else: retried with exponential backoff up to the definition's attempts.
import { ZodError } from "zod";
import { isDomainError } from "../core/index.ts";

export class RateLimitedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = `rate limited for ${retryAfterMs} ms`,
  ) {
    super(message);
    this.name = "RateLimitedError";
  }
}

/** True when retrying cannot help: a domain refusal or a payload that does not match the schema. */
export const isUnrecoverable = (err: unknown): boolean => isDomainError(err) || err instanceof ZodError;

/** BullMQ's exponential backoff: `base · 2^(attemptsMade − 1)`. */
export const backoffDelayMs = (attemptsMade: number, baseMs: number): number => baseMs * 2 ** Math.max(0, attemptsMade - 1);
