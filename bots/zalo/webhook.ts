// The Zalo webhook endpoint as a Hono route (bodies bounded by Hono's bodyLimit), and as a plain
// `node:http` handler around it for a server of one's own. Zalo POSTs each update as JSON with the
// secret given to `setWebhook` in `X-Bot-Api-Secret-Token` (ZALO.md §1).

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { normalizeZaloUpdate } from "./updates.ts";
import type { ZaloUpdate } from "./updates.ts";

/** The header carrying the webhook secret. */
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

/** Compares in constant time; a different length is a mismatch (and says only that). */
const secretMatches = (given: string | undefined, expected: Buffer): boolean => {
  if (given === undefined) return false;
  const buffer = Buffer.from(given, "utf8");
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
};

// Unread request bytes are discarded by Node once the answer is sent; nothing is buffered.
const reply = (c: Context, status: ContentfulStatusCode, body: Record<string, unknown>): Response => c.json(body, status);

/**
 * The webhook endpoint at `path`, as a Hono app. Mount it on the path given to `setWebhook`.
 *
 * Answers: 405 for anything but POST; 401 (without reading the body, without calling
 * `onUpdate`) when `X-Bot-Api-Secret-Token` is missing or wrong; 413 above `maxBodyBytes`; 400 on
 * invalid JSON; 200 `{ ok: true }` once `onUpdate` has resolved (or when the body is empty, a
 * probe, or JSON that is not an update); 500 when `onUpdate` throws, so that the platform
 * redelivers (deduplicate with `updateKey`).
 */
export const zaloWebhookRoutes = (path: string, { secretToken, onUpdate, maxBodyBytes = 1_048_576, onError = defaultOnError }: ZaloWebhookOptions): Hono => {
  if (!secretToken) throw new TypeError("createZaloWebhookHandler: secretToken is required");
  const expected = Buffer.from(secretToken, "utf8");
  const report = (error: unknown, context: ZaloWebhookErrorContext) => {
    try {
      onError(error, context);
    } catch {
      // A failing reporter must not change the answer.
    }
  };
  const limit = bodyLimit({ maxSize: maxBodyBytes, onError: (c) => reply(c, 413, { ok: false, error_code: 413, description: "Payload Too Large" }) });

  return new Hono()
    .post(
      path,
      async (c, next) => {
        // Rejected before the body is read or parsed.
        if (!secretMatches(c.req.header(ZALO_SECRET_HEADER), expected)) return reply(c, 401, { ok: false, error_code: 401, description: "Unauthorized" });
        await next();
      },
      limit,
      async (c) => {
        const text = await c.req.text();
        if (text.trim() === "") {
          report(new Error("empty webhook body"), { kind: "empty-body" });
          return reply(c, 200, { ok: true });
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reply(c, 400, { ok: false, error_code: 400, description: "Invalid JSON" });
        }
        const update = normalizeZaloUpdate(body);
        if (!update) {
          report(new Error("webhook body is not a Zalo update"), { kind: "invalid-update", body });
          return reply(c, 200, { ok: true });
        }
        try {
          await onUpdate(update);
        } catch (error) {
          report(error, { kind: "handler", update });
          return reply(c, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
        }
        return reply(c, 200, { ok: true });
      },
    )
    .all(path, (c) => c.json({ ok: false, error_code: 405, description: "Method Not Allowed" }, 405, { allow: "POST" }));
};

/**
 * The same endpoint as a `node:http` handler (any path), for a server of one's own.
 *
 * @example
 * ```ts
 * const handler = createZaloWebhookHandler({ secretToken: config.WEBHOOK_SECRET, onUpdate });
 * http.createServer((req, res) => req.url === "/zalo/webhook" ? handler(req, res) : notFound(res));
 * ```
 */
export const createZaloWebhookHandler = (opts: ZaloWebhookOptions): ZaloWebhookHandler => {
  const app = new Hono().route("/", zaloWebhookRoutes("/", opts)).all("*", (c) => c.json({ ok: false }, 404));
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  return async (req, res) => {
    // Whatever path it is mounted on.
    req.url = "/";
    await listener(req, res);
  };
};
