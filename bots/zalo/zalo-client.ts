// A typed client of the Zalo Bot Platform API (ZALO.md §1): `POST {apiBase}/bot{token}/{method}`
// with a JSON body; every answer is `{ ok: true, result }` or `{ ok: false, error_code, description }`.
// The client is deliberately tolerant: ids may come back as strings or numbers (normalised to
// strings), dates in seconds or milliseconds (normalised to milliseconds).

import { ZaloApiError, ZaloHttpError, redactError, redactSecret } from "./zalo-error.ts";
import type { ZaloResponseParameters } from "./zalo-error.ts";

// === Types

/** Default API base (`ZALO_API_BASE`). */
export const ZALO_API_BASE = "https://bot-api.zaloplatforms.com";

/** Maximum length of a text message and of a photo caption (characters). */
export const ZALO_TEXT_LIMIT = 2000;

/** A chat id as the API may give it; the client always sends it as a string. */
export type ZaloChatId = string | number;

/** Options of {@link createZaloClient}. */
export type ZaloClientOptions = {
  /** The bot token `<bot_id>:<secret>` from Zalo Bot Manager. Never logged nor put in errors. */
  token: string;
  /**
   * Where the Bot API lives, without a trailing slash (a test fake: `http://127.0.0.1:PORT`).
   * @defaultValue `"https://bot-api.zaloplatforms.com"`
   */
  apiBase?: string;
  /**
   * The fetch implementation.
   * @defaultValue the global `fetch`
   */
  fetch?: typeof fetch;
  /**
   * Per-call timeout in milliseconds. `getUpdates` gets its long-poll `timeout` added on top.
   * @defaultValue 30_000
   */
  timeoutMs?: number;
};

/** Per-call options. */
export type ZaloCallOptions = {
  /** Aborts the call; the client then throws a {@link ZaloHttpError} of kind `aborted`. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
};

/** Result of `getMe`. */
export type ZaloBotInfo = {
  id: string;
  account_name: string;
  account_type: string;
  can_join_groups: boolean;
};

/** Result of `setWebhook`, `deleteWebhook` and `getWebhookInfo` (`url` is "" when none is set). */
export type ZaloWebhookInfo = {
  url: string;
  /** As given by the platform (milliseconds), or null when absent. */
  updated_at: number | null;
};

/** Result of the send methods. */
export type ZaloSentMessage = {
  message_id: string;
  /** Milliseconds since the epoch. */
  date: number;
};

/**
 * An update exactly as `getUpdates` returned it. Read it with `normalizeZaloUpdate`
 * (`updates.ts`), which knows the shape variants.
 */
export type ZaloRawUpdate = Record<string, unknown>;

export type ZaloGetUpdatesParams = {
  /**
   * Seconds the server may hold the request waiting for an update (sent as a string).
   * @defaultValue 30
   */
  timeout?: number;
};

export type ZaloSetWebhookParams = {
  /** The HTTPS URL Zalo will POST updates to. */
  url: string;
  /** 8–256 characters, echoed in the `X-Bot-Api-Secret-Token` header of every delivery. */
  secret_token: string;
};

/**
 * A styled range of a text message: `start` and `len` in UTF-16 code units (JavaScript string
 * indices), `st` the style: `"b"` bold, `"i"` italic. The platform's documentation names
 * `text_styles` without a public schema we could check: callers must fall back to plain text
 * when it is refused (send-zalo-message.ts does).
 */
export type ZaloTextStyle = { start: number; len: number; st: "b" | "i" | (string & {}) };

export type ZaloSendMessageParams = {
  chat_id: ZaloChatId;
  /** 1–2,000 characters: split longer texts with `splitText`. */
  text: string;
  /** `"markdown"` or `"html"`: the text carries the markup. Prefer `text_styles` (no escaping). */
  parse_mode?: "markdown" | "html";
  /** Bold/italic ranges of `text`. */
  text_styles?: ZaloTextStyle[];
};

export type ZaloSendPhotoParams = {
  chat_id: ZaloChatId;
  /** The image URL (the platform fetches it; there is no upload). */
  photo: string;
  /** At most 2,000 characters. */
  caption?: string;
};

export type ZaloSendStickerParams = {
  chat_id: ZaloChatId;
  sticker: string;
};

export type ZaloSendChatActionParams = {
  chat_id: ZaloChatId;
  /** @defaultValue `"typing"` */
  action?: "typing" | (string & {});
};

/** The Zalo Bot API, one method per API method. Create with {@link createZaloClient}. */
export type ZaloClient = {
  /** Who the bot is. */
  getMe(options?: ZaloCallOptions): Promise<ZaloBotInfo>;
  /**
   * Long-polls for the next update. Returns ONE update (tolerated: an array, returned as is).
   * Throws `ZaloApiError` 408 when nothing arrived within `timeout` seconds, and also, forever and
   * without any other sign, while a webhook is set: check `getWebhookInfo` (create-zalo-bot.ts
   * does). Prefer `startZaloPolling` (`polling.ts`), which handles the 408s.
   */
  getUpdates(params?: ZaloGetUpdatesParams, options?: ZaloCallOptions): Promise<ZaloRawUpdate | ZaloRawUpdate[]>;
  setWebhook(params: ZaloSetWebhookParams, options?: ZaloCallOptions): Promise<ZaloWebhookInfo>;
  deleteWebhook(options?: ZaloCallOptions): Promise<ZaloWebhookInfo>;
  getWebhookInfo(options?: ZaloCallOptions): Promise<ZaloWebhookInfo>;
  sendMessage(params: ZaloSendMessageParams, options?: ZaloCallOptions): Promise<ZaloSentMessage>;
  sendPhoto(params: ZaloSendPhotoParams, options?: ZaloCallOptions): Promise<ZaloSentMessage>;
  sendSticker(params: ZaloSendStickerParams, options?: ZaloCallOptions): Promise<ZaloSentMessage>;
  /** Shows "typing…" in the chat. The API answers `{ ok: true }` with no `result`: resolves to true. */
  sendChatAction(params: ZaloSendChatActionParams, options?: ZaloCallOptions): Promise<boolean>;
  /**
   * Calls any method and returns its raw `result`: an escape hatch for methods this client
   * does not know yet.
   */
  call(method: string, payload?: Record<string, unknown>, options?: ZaloCallOptions): Promise<unknown>;
};

// === Client

const DEFAULT_TIMEOUT_MS = 30_000;
/** Extra time given to a long poll beyond its `timeout`, for the network round trip. */
const LONG_POLL_MARGIN_MS = 10_000;

/**
 * Creates a Zalo Bot API client.
 *
 * @example
 * ```ts
 * const zalo = createZaloClient({ token: config.ZALO_BOT_TOKEN!, apiBase: config.ZALO_API_BASE });
 * const me = await zalo.getMe();
 * await zalo.sendMessage({ chat_id: "123", text: "Xin chào" });
 * ```
 */
export const createZaloClient = ({ token, apiBase = ZALO_API_BASE, fetch: fetchImpl = globalThis.fetch, timeoutMs = DEFAULT_TIMEOUT_MS }: ZaloClientOptions): ZaloClient => {
  if (!token) throw new TypeError("createZaloClient: token is required");
  const base = normalizeApiBase(apiBase);

  const call = async (method: string, payload: Record<string, unknown> = {}, options: ZaloCallOptions = {}): Promise<unknown> => {
    const url = `${base}/bot${token}/${method}`;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

    // Classifies a failure before any answer: the caller's abort, our timeout, or the network.
    const wrapFailure = (err: unknown): ZaloHttpError => {
      const cause = redactError(err, token);
      if (options.signal?.aborted) return new ZaloHttpError(method, "aborted", "aborted by the caller", cause);
      if (timeout.aborted) {
        return new ZaloHttpError(method, "timeout", `timed out after ${options.timeoutMs ?? timeoutMs} ms`, cause);
      }
      const reason = err instanceof Error ? redactSecret(err.message, token) : "unknown error";
      return new ZaloHttpError(method, "network", reason, cause);
    };

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
        signal,
      });
      text = await response.text();
    } catch (err) {
      throw wrapFailure(err);
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ZaloHttpError(method, "invalid-response", `HTTP ${response.status} with a body that is not JSON`, redactError(err, token), response.status);
    }
    if (!isRecord(body)) {
      throw new ZaloHttpError(method, "invalid-response", `HTTP ${response.status} with a JSON body that is not an object`, undefined, response.status);
    }
    if (body.ok === true) return body.result;

    const errorCode = toInteger(body.error_code) ?? response.status;
    const rawDescription = typeof body.description === "string" ? body.description : typeof body.message === "string" ? body.message : `HTTP ${response.status}`;
    const parameters: ZaloResponseParameters = {};
    const retryAfter =
      toInteger(isRecord(body.parameters) ? body.parameters.retry_after : undefined) ?? toInteger(body.retry_after) ?? toInteger(response.headers.get("retry-after"));
    if (retryAfter !== undefined) parameters.retry_after = retryAfter;
    throw new ZaloApiError(method, payload, { error_code: errorCode, description: redactSecret(rawDescription, token), parameters }, response.status);
  };

  const send = async (method: string, payload: Record<string, unknown>, options?: ZaloCallOptions) => toSentMessage(method, await call(method, payload, options));

  return {
    call,
    getMe: async (options) => toBotInfo(await call("getMe", {}, options)),
    getUpdates: async (params = {}, options = {}) => {
      const seconds = params.timeout ?? 30;
      const result = await call(
        "getUpdates",
        { timeout: String(seconds) },
        {
          ...options,
          timeoutMs: options.timeoutMs ?? Math.max(timeoutMs, seconds * 1000 + LONG_POLL_MARGIN_MS),
        },
      );
      if (Array.isArray(result)) return result.filter(isRecord);
      return isRecord(result) ? result : {};
    },
    setWebhook: async (params, options) => toWebhookInfo(await call("setWebhook", { url: params.url, secret_token: params.secret_token }, options)),
    deleteWebhook: async (options) => toWebhookInfo(await call("deleteWebhook", {}, options)),
    getWebhookInfo: async (options) => toWebhookInfo(await call("getWebhookInfo", {}, options)),
    sendMessage: (params, options) =>
      send(
        "sendMessage",
        {
          chat_id: String(params.chat_id),
          text: params.text,
          ...(params.parse_mode === undefined ? {} : { parse_mode: params.parse_mode }),
          ...(params.text_styles === undefined || params.text_styles.length === 0 ? {} : { text_styles: params.text_styles }),
        },
        options,
      ),
    sendPhoto: (params, options) =>
      send(
        "sendPhoto",
        {
          chat_id: String(params.chat_id),
          photo: params.photo,
          ...(params.caption === undefined ? {} : { caption: params.caption }),
        },
        options,
      ),
    sendSticker: (params, options) => send("sendSticker", { chat_id: String(params.chat_id), sticker: params.sticker }, options),
    sendChatAction: async (params, options) => (await call("sendChatAction", { chat_id: String(params.chat_id), action: params.action ?? "typing" }, options)) !== false,
  };
};

// === Result normalisation (internal)

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const toInteger = (value: unknown): number | undefined => {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Math.trunc(Number(value));
  return undefined;
};

const toId = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;

/** Dates below 10^12 are taken as seconds (the API documents milliseconds). */
export const toEpochMs = (value: unknown): number | undefined => {
  const n = toInteger(value);
  if (n === undefined) return undefined;
  return n < 1e12 ? n * 1000 : n;
};

const toBotInfo = (result: unknown): ZaloBotInfo => {
  const r = isRecord(result) ? result : {};
  return {
    id: toId(r.id) ?? "",
    account_name: typeof r.account_name === "string" ? r.account_name : "",
    account_type: typeof r.account_type === "string" ? r.account_type : "",
    can_join_groups: r.can_join_groups === true || r.can_join_groups === "true",
  };
};

const toWebhookInfo = (result: unknown): ZaloWebhookInfo => {
  const r = isRecord(result) ? result : {};
  return { url: typeof r.url === "string" ? r.url : "", updated_at: toInteger(r.updated_at) ?? null };
};

const toSentMessage = (method: string, result: unknown): ZaloSentMessage => {
  const r = isRecord(result) ? result : {};
  const messageId = toId(r.message_id);
  if (messageId === undefined) {
    throw new ZaloHttpError(method, "invalid-response", "the result has no message_id");
  }
  return { message_id: messageId, date: toEpochMs(r.date) ?? Date.now() };
};

const normalizeApiBase = (apiBase: string): string => {
  // Validate without the token so a bad base never produces an error quoting the token.
  let parsed: URL;
  try {
    parsed = new URL(apiBase);
  } catch {
    throw new TypeError(`createZaloClient: apiBase is not a URL: ${apiBase}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(`createZaloClient: apiBase must be http(s): ${apiBase}`);
  }
  return apiBase.replace(/\/+$/, "");
};
