// A fake Zalo Bot Platform API on 127.0.0.1 (random port), for tests that drive the real client
// (`bots/zalo/zalo-client.ts`). It behaves like ZALO.md §1 describes: `POST /bot{token}/{method}`,
// `{ ok, result }` / `{ ok: false, error_code, description }`, getUpdates returns ONE update or
// answers 408 after holding the request `timeout` seconds. Like the real platform (issue 24):
// while a webhook is set getUpdates raises no error, it just keeps answering 408 (updates go to the
// webhook); webhook URLs must be HTTPS; sendChatAction answers `{ ok: true }` with no `result`;
// captions and texts need at least one character. Deliveries to the HTTPS webhook reach a local
// HTTP server through `proxyWebhooksTo` (what a TLS-terminating proxy does in production).

import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the fake received. */
export type FakeZaloCall = { method: string; body: Record<string, unknown> };

/** One message the bot sent (sendMessage, sendPhoto, sendSticker, sendChatAction). */
export type FakeZaloSent = {
  method: "sendMessage" | "sendPhoto" | "sendSticker" | "sendChatAction";
  chat_id: string;
  body: Record<string, unknown>;
  /** The id the fake answered with (absent for sendChatAction). */
  message_id?: string;
};

/** A failure to inject with `failNext`. */
export type FakeZaloFailure = {
  /** @defaultValue 500 */
  error_code?: number;
  /** @defaultValue "Internal Server Error" */
  description?: string;
  /** HTTP status. @defaultValue `error_code` */
  status?: number;
  /** How many following calls of the method fail. @defaultValue 1 */
  times?: number;
  /** Adds `parameters: { retry_after }` to the body. */
  retry_after?: number;
  /** Answer this raw text instead of a JSON error (e.g. an HTML proxy page). */
  rawBody?: string;
  /** Wait this long before answering (to test client timeouts). */
  delayMs?: number;
};

/** A bold/italic range of `sendMessage`'s `text_styles` (as our client sends it). */
export type FakeZaloTextStyle = { start: number; len: number; st: string };

export type FakeZaloServerOptions = {
  /** The only token accepted; others get 401. */
  token: string;
  /** Answer message ids as numbers instead of strings. @defaultValue false */
  numericIds?: boolean;
};

export type FakeZaloServer = {
  /** `http://127.0.0.1:PORT`, to pass as the client's `apiBase`. */
  apiBase: string;
  /** Every API call received (any method, correct token only), in order. */
  calls: FakeZaloCall[];
  /** Every accepted send call, in order. */
  sent: FakeZaloSent[];
  /** Queues an update for getUpdates (delivered at once to a waiting long poll). */
  pushUpdate(update: Record<string, unknown>): void;
  /** Makes the next call(s) of `method` fail. */
  failNext(method: string, failure?: FakeZaloFailure): void;
  /** From now on, sends to this chat answer 403 (the user blocked the bot). */
  block(chatId: string | number): void;
  /** The webhook set with setWebhook, or null. */
  readonly webhook: { url: string; secret: string } | null;
  /**
   * POSTs `body` to the stored webhook url with `X-Bot-Api-Secret-Token`: the stored secret by
   * default, `secret` when given, no header when `secret` is null.
   */
  deliverWebhook(body: unknown, secret?: string | null): Promise<{ status: number; body: unknown }>;
  /** Number of getUpdates requests currently held open (including those held while a webhook is set). */
  readonly waitingPolls: number;
  /** How many getUpdates calls were answered 408 while a webhook was set (the "deaf" answers). */
  readonly deafPollAnswers: number;
  /**
   * Deliveries to an `https://` webhook URL go to `localBase` (same path and query): the TLS
   * proxy in front of our service. Without it `deliverWebhook` posts to the HTTPS URL itself.
   */
  proxyWebhooksTo(localBase: string): void;
  /** From now on sendMessage refuses `text_styles` and `parse_mode` with 400 (true), or accepts them. */
  refuseStyles(refuse: boolean): void;
  /** Answers held polls with 408, closes every connection and the server. */
  close(): Promise<void>;
};

const TEXT_LIMIT = 2000;
const SEND_METHODS = new Set(["sendMessage", "sendPhoto", "sendSticker", "sendChatAction"]);

type Poll = { res: ServerResponse; timer: NodeJS.Timeout };

/**
 * Starts the fake.
 *
 * @example
 * ```ts
 * const fake = await startFakeZaloServer({ token: "123:abc" });
 * const zalo = createZaloClient({ token: "123:abc", apiBase: fake.apiBase });
 * try { … } finally { await fake.close(); }
 * ```
 */
export const startFakeZaloServer = async ({ token, numericIds = false }: FakeZaloServerOptions): Promise<FakeZaloServer> => {
  const calls: FakeZaloCall[] = [];
  const sent: FakeZaloSent[] = [];
  const queue: Record<string, unknown>[] = [];
  const polls: Poll[] = [];
  const failures = new Map<string, FakeZaloFailure & { remaining: number }>();
  const blocked = new Set<string>();
  let deafPolls = 0;
  let deafPollAnswers = 0;
  let webhookProxy: string | null = null;
  let stylesRefused = false;
  let webhook: { url: string; secret: string; updatedAt: number } | null = null;
  let nextMessageId = 1000;
  const botId = token.split(":")[0] ?? "0";

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
  };
  const ok = (res: ServerResponse, result: unknown) => answer(res, 200, { ok: true, result });
  const fail = (res: ServerResponse, code: number, description: string) => answer(res, code, { ok: false, error_code: code, description });

  const releasePoll = (poll: Poll) => {
    clearTimeout(poll.timer);
    const index = polls.indexOf(poll);
    if (index >= 0) polls.splice(index, 1);
  };

  const sentMessage = (res: ServerResponse, method: FakeZaloSent["method"], chatId: string, body: Record<string, unknown>) => {
    const id = nextMessageId++;
    sent.push({ method, chat_id: chatId, body, message_id: String(id) });
    ok(res, { message_id: numericIds ? id : String(id), date: Date.now() });
  };

  const isText = (value: unknown, min: number): value is string => typeof value === "string" && value.length >= min && value.length <= TEXT_LIMIT;
  /** Ranges inside the text, each with a style name. */
  const validStyles = (value: unknown, textLength: number): boolean =>
    Array.isArray(value) &&
    value.every((r: unknown) => {
      if (typeof r !== "object" || r === null) return false;
      const { start, len, st } = r as Record<string, unknown>;
      return (
        Number.isInteger(start) &&
        Number.isInteger(len) &&
        (start as number) >= 0 &&
        (len as number) > 0 &&
        (start as number) + (len as number) <= textLength &&
        typeof st === "string"
      );
    });

  const handleMethod = (method: string, body: Record<string, unknown>, res: ServerResponse) => {
    const chatId = typeof body.chat_id === "string" || typeof body.chat_id === "number" ? String(body.chat_id) : "";
    if (SEND_METHODS.has(method)) {
      if (chatId === "") return fail(res, 400, "chat_id is required");
      if (blocked.has(chatId)) return fail(res, 403, "User has blocked the bot or is not allowed");
    }
    switch (method) {
      case "getMe":
        return ok(res, { id: numericIds ? Number(botId) : botId, account_name: "fake_zalo_bot", account_type: "BASIC", can_join_groups: false });
      case "getUpdates": {
        const seconds = Math.max(0, Math.min(Number(body.timeout ?? 30) || 0, 120));
        if (webhook) {
          // The real platform raises no error here: the poll just times out, again and again.
          deafPolls += 1;
          const timer = setTimeout(() => {
            deafPolls -= 1;
            deafPollAnswers += 1;
            fail(res, 408, "Request timeout");
          }, seconds * 1000);
          res.once("close", () => {
            if (!res.writableEnded) {
              clearTimeout(timer);
              deafPolls -= 1;
            }
          });
          return;
        }
        const update = queue.shift();
        if (update) return ok(res, update);
        const poll: Poll = {
          res,
          timer: setTimeout(() => {
            releasePoll(poll);
            fail(res, 408, "Request timeout");
          }, seconds * 1000),
        };
        polls.push(poll);
        // The client gave up (abort, timeout): forget the poll so no update is handed to it.
        res.once("close", () => releasePoll(poll));
        return;
      }
      case "setWebhook": {
        const url = body.url;
        const secret = body.secret_token;
        if (typeof url !== "string" || !/^https:\/\/[^/\s]+/.test(url)) return fail(res, 400, "url must be an HTTPS URL");
        if (typeof secret !== "string" || secret.length < 8 || secret.length > 256) {
          return fail(res, 400, "secret_token must be 8-256 characters");
        }
        webhook = { url, secret, updatedAt: Date.now() };
        return ok(res, { url, updated_at: webhook.updatedAt });
      }
      case "deleteWebhook":
        webhook = null;
        return ok(res, { url: "", updated_at: Date.now() });
      case "getWebhookInfo":
        return ok(res, { url: webhook?.url ?? "", updated_at: webhook?.updatedAt ?? 0 });
      case "sendMessage": {
        if (!isText(body.text, 1)) return fail(res, 400, "text must be 1-2000 characters");
        const styled = body.text_styles !== undefined || body.parse_mode !== undefined;
        if (styled && stylesRefused) return fail(res, 400, "text_styles is not supported");
        if (body.parse_mode !== undefined && body.parse_mode !== "markdown" && body.parse_mode !== "html") return fail(res, 400, "parse_mode must be markdown or html");
        if (body.text_styles !== undefined && !validStyles(body.text_styles, body.text.length)) return fail(res, 400, "text_styles is invalid");
        return sentMessage(res, method, chatId, body);
      }
      case "sendPhoto":
        if (typeof body.photo !== "string" || !/^https?:\/\//.test(body.photo)) return fail(res, 400, "photo must be a URL");
        if (body.caption !== undefined && !isText(body.caption, 1)) return fail(res, 400, "caption must be 1-2000 characters");
        return sentMessage(res, method, chatId, body);
      case "sendSticker":
        if (typeof body.sticker !== "string" || body.sticker.length === 0) return fail(res, 400, "sticker is required");
        return sentMessage(res, method, chatId, body);
      case "sendChatAction":
        if (body.action !== "typing") return fail(res, 400, "action must be typing");
        sent.push({ method, chat_id: chatId, body });
        // As documented: `{ "ok": true }` and nothing else.
        return answer(res, 200, { ok: true });
      default:
        return fail(res, 404, "Method not found");
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || !match) return fail(res, 404, "Not Found");
    if (decodeURIComponent(match[1] ?? "") !== token) return fail(res, 401, "Unauthorized");
    const method = match[2] ?? "";

    let body: Record<string, unknown> = {};
    const raw = Buffer.concat(chunks).toString("utf8");
    if (raw.trim().length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        body = parsed as Record<string, unknown>;
      } catch {
        return fail(res, 400, "Body must be a JSON object");
      }
    }
    calls.push({ method, body });

    const failure = failures.get(method);
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.delete(method);
      if (failure.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      const code = failure.error_code ?? 500;
      const status = failure.status ?? code;
      if (failure.rawBody !== undefined) {
        if (!res.writableEnded && !res.destroyed) res.writeHead(status, { "content-type": "text/html" }).end(failure.rawBody);
        return;
      }
      return answer(res, status, {
        ok: false,
        error_code: code,
        description: failure.description ?? "Internal Server Error",
        ...(failure.retry_after === undefined ? {} : { parameters: { retry_after: failure.retry_after } }),
      });
    }
    handleMethod(method, body, res);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => fail(res, 500, "fake server error"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    calls,
    sent,
    get webhook() {
      return webhook ? { url: webhook.url, secret: webhook.secret } : null;
    },
    get waitingPolls() {
      return polls.length + deafPolls;
    },
    get deafPollAnswers() {
      return deafPollAnswers;
    },
    proxyWebhooksTo(localBase) {
      webhookProxy = localBase.replace(/\/+$/, "");
    },
    refuseStyles(refuse) {
      stylesRefused = refuse;
    },
    pushUpdate(update) {
      // Hand it to the oldest poll still open; otherwise queue it for the next getUpdates.
      for (let poll = polls.shift(); poll; poll = polls.shift()) {
        clearTimeout(poll.timer);
        if (poll.res.destroyed || poll.res.writableEnded) continue;
        return ok(poll.res, update);
      }
      queue.push(update);
    },
    failNext(method, failure = {}) {
      failures.set(method, { ...failure, remaining: failure.times ?? 1 });
    },
    block(chatId) {
      blocked.add(String(chatId));
    },
    async deliverWebhook(body, secret) {
      if (!webhook) throw new Error("fake zalo: no webhook is set");
      const headerSecret = secret === undefined ? webhook.secret : secret;
      const target = new URL(webhook.url);
      const url = webhookProxy ? `${webhookProxy}${target.pathname}${target.search}` : webhook.url;
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(headerSecret === null ? {} : { "x-bot-api-secret-token": headerSecret }),
        },
        body: typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Keep the text as it is.
      }
      return { status: response.status, body: parsed };
    },
    async close() {
      for (const poll of [...polls]) {
        releasePoll(poll);
        fail(poll.res, 408, "Request timeout");
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
