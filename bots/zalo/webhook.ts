// The Zalo webhook endpoint as a plain `node:http` handler. Zalo POSTs each update as JSON with
// the secret given to `setWebhook` in `X-Bot-Api-Secret-Token` (ZALO.md §1).

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeZaloUpdate } from "./updates.ts";
import type { ZaloUpdate } from "./updates.ts";

/** The header carrying the webhook secret (Node lowercases incoming header names). */
export const ZALO_SECRET_HEADER = "x-bot-api-secret-token";

/** Where a reported webhook error came from. */
export type ZaloWebhookErrorContext =
  /** `onUpdate` threw: the request was answered 500 so that the platform redelivers. */
  | { kind: "handler"; update: ZaloUpdate }
  /** Valid JSON that is not an update: answered 200 (a redelivery would not help) and skipped. */
  | { kind: "invalid-update"; body: unknown }
  /** An empty body (a reachability probe): answered 200 and ignored. */
  | { kind: "empty-body" };

/** Options of {@link createZaloWebhookHandler}. */
export type ZaloWebhookOptions = {
  /** The `secret_token` given to `setWebhook` (`WEBHOOK_SECRET`). */
  secretToken: string;
  /**
   * Called once per accepted update; the answer (200) waits for it, so keep it short: record the
   * update durably and handle it afterwards (create-zalo-bot.ts does), since Zalo's delivery
   * timeout and retry rules are not published.
   */
  onUpdate: (update: ZaloUpdate) => Promise<void> | void;
  /**
   * Largest accepted body in bytes; larger requests get 413.
   * @defaultValue 1_048_576 (1 MB)
   */
  maxBodyBytes?: number;
  /**
   * Receives handler failures and unreadable updates.
   * @defaultValue logs the error's name and message with `console.error`
   */
  onError?: (error: unknown, context: ZaloWebhookErrorContext) => void;
};

/** A `node:http` request handler. */
export type ZaloWebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const defaultOnError = (error: unknown, context: ZaloWebhookErrorContext): void => {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[bot:zalo] webhook ${context.kind} error: ${detail}`);
};

// Unread request bytes are discarded by Node once the answer is sent; nothing is buffered.
const reply = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json) });
  res.end(json);
};

/** Compares in constant time; a different length is a mismatch (and says only that). */
const secretMatches = (given: string | string[] | undefined, expected: Buffer): boolean => {
  if (typeof given !== "string") return false;
  const buffer = Buffer.from(given, "utf8");
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
};

type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean };

/** Reads the body, giving up as soon as it passes `limit` bytes. */
const readBody = (req: IncomingMessage, limit: number): Promise<BodyResult> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish({ ok: false, tooLarge: true });
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.once("error", () => finish({ ok: false, tooLarge: false }));
    req.once("close", () => finish({ ok: false, tooLarge: false }));
  });

/**
 * Creates the webhook endpoint. Mount it on the path given to `setWebhook`.
 *
 * Answers: 405 for anything but POST; 401 (without reading the body, without calling
 * `onUpdate`) when `X-Bot-Api-Secret-Token` is missing or wrong; 413 above `maxBodyBytes`; 400 on
 * invalid JSON; 200 `{ ok: true }` once `onUpdate` has resolved (or when the body is empty, a
 * probe, or JSON that is not an update); 500 when `onUpdate` throws, so that the platform
 * redelivers (deduplicate with `updateKey`).
 *
 * @example
 * ```ts
 * const handler = createZaloWebhookHandler({ secretToken: config.WEBHOOK_SECRET, onUpdate });
 * http.createServer((req, res) => req.url === "/zalo/webhook" ? handler(req, res) : notFound(res));
 * ```
 */
export const createZaloWebhookHandler = ({
  secretToken,
  onUpdate,
  maxBodyBytes = 1_048_576,
  onError = defaultOnError,
}: ZaloWebhookOptions): ZaloWebhookHandler => {
  if (!secretToken) throw new TypeError("createZaloWebhookHandler: secretToken is required");
  const expected = Buffer.from(secretToken, "utf8");
  const report = (error: unknown, context: ZaloWebhookErrorContext) => {
    try {
      onError(error, context);
    } catch {
      // A failing reporter must not change the answer.
    }
  };

  return async (req, res) => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return reply(res, 405, { ok: false, error_code: 405, description: "Method Not Allowed" });
    }
    if (!secretMatches(req.headers[ZALO_SECRET_HEADER], expected)) {
      // Rejected before the body is read or parsed.
      return reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      return reply(res, 413, { ok: false, error_code: 413, description: "Payload Too Large" });
    }
    const read = await readBody(req, maxBodyBytes);
    if (!read.ok) {
      if (read.tooLarge) reply(res, 413, { ok: false, error_code: 413, description: "Payload Too Large" });
      else if (!res.writableEnded) res.destroy();
      return;
    }

    const text = read.body.toString("utf8");
    if (text.trim() === "") {
      report(new Error("empty webhook body"), { kind: "empty-body" });
      return reply(res, 200, { ok: true });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(res, 400, { ok: false, error_code: 400, description: "Invalid JSON" });
    }
    const update = normalizeZaloUpdate(body);
    if (!update) {
      report(new Error("webhook body is not a Zalo update"), { kind: "invalid-update", body });
      return reply(res, 200, { ok: true });
    }
    try {
      await onUpdate(update);
    } catch (error) {
      report(error, { kind: "handler", update });
      return reply(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
    }
    reply(res, 200, { ok: true });
  };
};
