// The Telegram webhook as a Hono route (grammY's own "hono" adapter). What the adapter leaves to us:
// a request without the secret is refused before its body is read, the body is bounded (Hono's
// bodyLimit), and a body that is not an update is a 400 (a 5xx makes Telegram deliver it again and
// again).
import { timingSafeEqual } from "node:crypto";
import { webhookCallback, type Bot } from "grammy";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { BotContext } from "./context.ts";

/** The header carrying the webhook secret. */
export const TELEGRAM_SECRET_HEADER = "x-telegram-bot-api-secret-token";

/** Largest accepted update. Telegram's updates are a few KB; files come by file_id, never inline. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1_048_576;

export type TelegramWebhookOptions = {
  /** The `secret_token` given to `setWebhook` (`WEBHOOK_SECRET`). */
  secretToken: string;
  /** Larger bodies get 413. @defaultValue 1 MB */
  maxBodyBytes?: number;
  /** How long an update may take before Telegram is answered anyway (it then redelivers nothing). @defaultValue 55000 */
  timeoutMs?: number;
};

/**
 * The webhook at `path`. Answers: 405 for anything but POST; 401 without reading the body when the
 * secret header is missing or wrong; 413 above `maxBodyBytes` (declared or read); 400 when the body
 * is not JSON or not an update; otherwise the update is handled and answered 200 (or with a webhook
 * reply). Refusals close the connection instead of receiving the rest of an unread body.
 */
export const telegramWebhookRoutes = (path: string, bot: Bot<BotContext>, opts: TelegramWebhookOptions): Hono => {
  const expected = Buffer.from(opts.secretToken, "utf8");
  // grammY checks the secret again (from the header) before it handles the update.
  const handle = webhookCallback(bot, "hono", { secretToken: opts.secretToken, onTimeout: "return", timeoutMilliseconds: opts.timeoutMs ?? 55_000 });
  const limit = bodyLimit({ maxSize: opts.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES, onError: (c) => refuse(c, 413, "Payload Too Large") });
  return new Hono()
    .post(
      path,
      async (c, next) => {
        const given = c.req.header(TELEGRAM_SECRET_HEADER);
        if (given === undefined || Buffer.byteLength(given) !== expected.length || !timingSafeEqual(Buffer.from(given, "utf8"), expected)) return refuse(c, 401, "Unauthorized");
        await next();
      },
      limit,
      async (c) => {
        let update: unknown;
        try {
          update = await c.req.json();
        } catch {
          return refuse(c, 400, "Bad Request: invalid JSON");
        }
        if (typeof update !== "object" || update === null || typeof (update as { update_id?: unknown }).update_id !== "number") return refuse(c, 400, "Bad Request: not an update");
        // The adapter reads the body again: Hono answers it from the parsed copy.
        return handle(c);
      },
    )
    .all(path, (c) => refuse(c, 405, "Method Not Allowed", { allow: "POST" }));
};

/** A JSON error answer; `connection: close` so that Node does not read the rest of an unread body. */
const refuse = (c: Context, status: ContentfulStatusCode, description: string, headers: Record<string, string> = {}): Response =>
  c.body(JSON.stringify({ ok: false, error_code: status, description }), status, { "content-type": "application/json; charset=utf-8", connection: "close", ...headers });
