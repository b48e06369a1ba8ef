// Errors raised by the Zalo Bot Platform client (STYLE.md rule 12), modelled on grammY's
// `GrammyError` / `HttpError` pair: one class for "the API answered with an error", one for "the
// call did not produce a usable answer". Neither ever carries the bot token.

import { inspect } from "node:util";

/** Extra fields some error answers carry (Telegram-style); all optional. */
export type ZaloResponseParameters = {
  /** Seconds to wait before retrying, when the platform (or a proxy) says so on a 429. */
  retry_after?: number;
};

/** The error body of the Zalo Bot API: `{ ok: false, error_code, description }`. */
export type ZaloApiErrorBody = {
  error_code: number;
  description: string;
  parameters?: ZaloResponseParameters;
};

/**
 * The Zalo Bot API answered `{ ok: false, … }` (or a non-2xx status with a JSON body).
 *
 * Codes seen: 400 (bad request, e.g. text too long, styles refused), 401 (bad token), 404, 408
 * (getUpdates: nothing arrived in time, and also, forever, while a webhook is set). No public
 * source documents 403 or 429 for a bot, nor `retry_after`: log `description` with the code and act
 * only as far as it says (zalo-sender.ts marks a person blocked only when it says so).
 *
 * @example
 * ```ts
 * try { await zalo.sendMessage({ chat_id, text }); }
 * catch (err) {
 *   if (err instanceof ZaloApiError) log.warn({ code: err.error_code, description: err.description }, "Zalo refused");
 * }
 * ```
 */
export class ZaloApiError extends Error {
  /** Always false: mirrors the `ok` field of the answer. */
  readonly ok = false as const;
  /** The platform's `error_code` (falls back to the HTTP status when the body has none). */
  readonly error_code: number;
  /** The platform's `description` (token redacted). */
  readonly description: string;
  /** Extra fields, e.g. `retry_after` on a 429 (from the body or a `Retry-After` header). */
  readonly parameters: ZaloResponseParameters;
  /** The HTTP status of the answer. */
  readonly httpStatus: number;

  constructor(
    /** The API method that failed, e.g. `sendMessage`. */
    readonly method: string,
    /** The JSON body that was sent (never contains the token). */
    readonly payload: Record<string, unknown>,
    body: ZaloApiErrorBody,
    httpStatus: number,
  ) {
    super(`Call to '${method}' failed! (${body.error_code}: ${body.description})`);
    this.name = "ZaloApiError";
    this.error_code = body.error_code;
    this.description = body.description;
    this.parameters = body.parameters ?? {};
    this.httpStatus = httpStatus;
  }

  /** Alias of `error_code`, for code that reads `err.code` (STYLE.md rule 12). */
  get code(): number {
    return this.error_code;
  }
}

/** Why a call produced no usable API answer. */
export type ZaloHttpErrorKind =
  /** DNS, connection refused/reset, TLS… */
  | "network"
  /** The client's own timeout (`timeoutMs`) fired. */
  | "timeout"
  /** The caller's `signal` was aborted. */
  | "aborted"
  /** The answer was not JSON (e.g. an HTML page from a proxy). */
  | "invalid-response";

/**
 * The call to the Zalo Bot API failed before an API answer could be read: network failure,
 * timeout, abort, or a body that is not JSON. `cause` holds the underlying error (token redacted).
 */
export class ZaloHttpError extends Error {
  constructor(
    /** The API method that was called. */
    readonly method: string,
    /** What went wrong, to decide whether a retry makes sense. */
    readonly kind: ZaloHttpErrorKind,
    message: string,
    /** The underlying error (a redacted copy when the original mentioned the token). */
    override readonly cause?: unknown,
    /** The HTTP status, when an answer arrived (kind `invalid-response`). */
    readonly httpStatus?: number,
  ) {
    super(`Call to '${method}' failed! (${message})`, { cause });
    this.name = "ZaloHttpError";
  }
}

// === Redaction (internal)

/** Replaces every occurrence of `secret` in `text` with `[redacted]`. */
export const redactSecret = (text: string, secret: string): string => (secret.length === 0 ? text : text.split(secret).join("[redacted]"));

/**
 * Returns `err` unchanged when nothing reachable from it (message, stack, own fields, causes)
 * mentions `secret`; otherwise a plain copy whose message and cause chain are redacted.
 * `new URL()`/`fetch` errors can carry the request URL, which holds the token.
 */
export const redactError = (err: unknown, secret: string, depth = 0): unknown => {
  if (secret.length === 0) return err;
  const shown = inspect(err, { depth: 6 });
  if (!shown.includes(secret)) return err;
  if (!(err instanceof Error) || depth > 4) return redactSecret(typeof err === "string" ? err : shown, secret);
  const copy = new Error(redactSecret(err.message, secret), {
    cause: err.cause === undefined ? undefined : redactError(err.cause, secret, depth + 1),
  });
  copy.name = err.name;
  copy.stack = redactSecret(err.stack ?? "", secret);
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") (copy as { code?: unknown }).code = code;
  return copy;
};
