// The Telegram webhook endpoint as a plain `node:http` handler around grammY's webhookCallback. What
// grammY's "http" adapter leaves to us: a request without the secret is refused before its body is
// read, the body is bounded while it is read, and a body that is not an update is a 400 (a 5xx makes
// Telegram deliver it again and again).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "./context.ts";

/** The header carrying the webhook secret (Node lowercases incoming header names). */
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
 * Answers: 405 for anything but POST; 401 without reading the body when the secret header is
 * missing or wrong; 413 above `maxBodyBytes` (declared or read); 400 when the body is not JSON or not
 * an update; otherwise the update is handled and answered 200 (or with a webhook reply).
 * Refusals close the connection instead of receiving the rest of an unread body.
 */
export const createTelegramWebhookHandler = (bot: Bot<BotContext>, opts: TelegramWebhookOptions): ((req: IncomingMessage, res: ServerResponse) => Promise<void>) => {
  const expected = Buffer.from(opts.secretToken, "utf8");
  const limit = opts.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  // The secret is checked here, before the body is read; grammY checks it again from `header`.
  const handle = webhookCallback(
    bot,
    (update: Update, res: ServerResponse) => ({
      update,
      header: opts.secretToken,
      end: () => {
        if (!res.headersSent) res.writeHead(200);
        res.end();
      },
      respond: (json: string) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json) });
        res.end(json);
      },
      unauthorized: () => refuse(res, 401, "Unauthorized"),
    }),
    { secretToken: opts.secretToken, onTimeout: "return", timeoutMilliseconds: opts.timeoutMs ?? 55_000 },
  );
  return async (req, res) => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return refuse(res, 405, "Method Not Allowed");
    }
    const given = req.headers[TELEGRAM_SECRET_HEADER];
    if (typeof given !== "string" || Buffer.byteLength(given) !== expected.length || !timingSafeEqual(Buffer.from(given, "utf8"), expected)) {
      return refuse(res, 401, "Unauthorized");
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) return refuse(res, 413, "Payload Too Large");
    const body = await readBounded(req, limit);
    if (body === "too-large") return refuse(res, 413, "Payload Too Large");
    if (body === "aborted") return void res.destroy();
    let update: unknown;
    try {
      update = JSON.parse(body.toString("utf8"));
    } catch {
      return refuse(res, 400, "Bad Request: invalid JSON");
    }
    if (typeof update !== "object" || update === null || typeof (update as { update_id?: unknown }).update_id !== "number") {
      return refuse(res, 400, "Bad Request: not an update");
    }
    await handle(update as Update, res);
  };
};

/** A JSON error answer; `connection: close` so that Node does not read the rest of an unread body. */
const refuse = (res: ServerResponse, status: number, description: string): void => {
  if (res.headersSent) return;
  const json = JSON.stringify({ ok: false, error_code: status, description });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json), connection: "close" });
  res.end(json);
};

/** Reads the body, giving up as soon as it passes `limit` bytes. */
const readBounded = (req: IncomingMessage, limit: number): Promise<Buffer | "too-large" | "aborted"> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: Buffer | "too-large" | "aborted") => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      if (result === "too-large") req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish("too-large");
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish(Buffer.concat(chunks)));
    req.once("error", () => finish("aborted"));
    req.once("close", () => finish(req.readableEnded ? Buffer.concat(chunks) : "aborted"));
  });
