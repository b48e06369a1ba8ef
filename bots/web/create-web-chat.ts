// The web chat: the same bot in a browser, served by the service itself at /chat. A person signs
// in with a one-time link code (a session cookie: HttpOnly, SameSite=Strict, rotating, expiring,
// stored hashed); what they type, upload or press becomes one channel-neutral turn for
// bots/shared's handleIncoming (channel WEB, externalUserId = chatId = their user id); the replies
// and every delivered outbox message are stored in their web history and pushed to their open
// pages over server-sent events.
//
// Routes (all under /chat):
//   GET  /chat                 the page (web/dist/index.html) and GET /chat/assets/* its files
//   GET  /chat/api/session     who is signed in (+ CSRF token), and the page's texts
//   POST /chat/api/sign-in     { code } → session cookie
//   POST /chat/api/sign-out    ends this session
//   GET  /chat/api/messages    history (?before=SEQ for older)
//   POST /chat/api/messages    { text, updateKey } as JSON, or multipart/form-data with files
//   POST /chat/api/press       { messageId, callback, updateKey }: a button press
//   GET  /chat/api/tasks       the tasks panel (listMyTasks)
//   GET  /chat/api/events      server-sent events: message, update, signedOut
//   POST /chat/api/push/subscribe    the browser's PushSubscription (JSON) → Web Push for this person
//   POST /chat/api/push/unsubscribe  { endpoint }: this browser stops getting pushes
// Every POST needs the session's CSRF token in `X-CSRF-Token` (sign-in: a JSON body from our own
// origin); a missing or forged one is refused with 403.
import { createHmac, timingSafeEqual } from "node:crypto";
import os from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ConversationStore } from "../../core/conversations/conversation-store.ts";
import type { CoreDeps } from "../../core/deps.ts";
import { isDomainError } from "../../core/errors.ts";
import { CATALOG, t, type Locale } from "../../core/messages/index.ts";
import type { Sender } from "../../core/ports/sender.ts";
import { listMyTasks } from "../../core/queries/list-my-tasks.ts";
import { localDateOf } from "../../core/time.ts";
import { authenticateSession, isWebSessionActive, type AuthenticatedSession } from "../../core/web/authenticate-session.ts";
import { DEFAULT_WEB_SESSION_POLICY, generateBrowserId, type WebSessionPolicy } from "../../core/web/session-token.ts";
import { signInWithCode } from "../../core/web/sign-in-with-code.ts";
import { removeWebPushSubscription, saveWebPushSubscription } from "../../core/web/push-subscriptions.ts";
import { signOut } from "../../core/web/sign-out.ts";
import { appendWebMessages, getWebMessage, listWebMessages, redactWebMessage, WEB_HISTORY_PAGE, type StoredWebMessage } from "../../core/web/web-messages.ts";
import { parseIsoDate } from "../shared/context.ts";
import { linkCodeOf } from "../shared/features/link.ts";
import { handleIncoming } from "../shared/handle-incoming.ts";
import { incomingFileSize } from "../shared/incoming-files.ts";
import { parseMessage } from "../shared/text/index.ts";
import type { BotEnv, BotLogger, IncomingFile, TurnResult } from "../shared/types.ts";
import { createWebEventHub, type WebEventHub } from "./event-hub.ts";
import { BodyTooLargeError, clientIpOf, isSameOrigin, parseCookies, readBody, sendJson, serializeCookie } from "./http.ts";
import { createUploadGate, MalformedUploadError, receiveUpload, UploadTooLargeError } from "./receive-upload.ts";
import { toWebMessageView, type FileLinkSigner, type WebMessageView } from "./render-web.ts";
import { PAGE_SECURITY_HEADERS, sendStaticFile } from "./static-files.ts";
import { applyCardUpdate, storeOutgoing } from "./store-outgoing.ts";
import { toTaskView } from "./tasks-view.ts";
import { createWebSender } from "./web-sender.ts";
import { createWebPusher, type WebPusher, type WebPushOptions } from "./web-push.ts";

// === Public API

export const WEB_CHAT_PATH = "/chat";

/** Where `npm run build:web` puts the page. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

export type WebChatOptions = {
  deps: CoreDeps;
  logger: BotLogger;
  /** Signs file links (`GET /files/<token>`, the service's file-link secret) and CSRF tokens. */
  secret: string;
  /** Adds `Secure` to the cookie: set it when the site is served over https (PUBLIC_BASE_URL). @defaultValue false */
  secureCookies?: boolean;
  /** The built page. @defaultValue web/dist of this repository */
  distDir?: string;
  /** Session lifetimes. @defaultValue 12 h idle, 7 days at most, token rotated every 15 min */
  policy?: Partial<WebSessionPolicy>;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). @defaultValue false */
  trustProxy?: boolean;
  /** Event-stream heartbeat, which also re-checks the session. @defaultValue 25000 */
  heartbeatMs?: number;
  /** Event streams also read new messages this often (messages stored by another process). @defaultValue 5000 */
  pollMs?: number;
  /** Lifetime of the file links in messages (renewed at every load). @defaultValue 24 h */
  fileLinkTtlSeconds?: number;
  conversations?: ConversationStore;
  /** Web Push (VAPID keys, allowed push services; see loadWebPushOptions). @defaultValue off: the page only notifies while it is open */
  push?: WebPushOptions;
  /**
   * Uploads: received into temporary files in `dir`; at most `perUser` at once per person and
   * `overall` in this process, more are answered 429.
   * @defaultValue dir: the system's temporary directory; perUser 2; overall 8
   */
  uploads?: { dir?: string; perUser?: number; overall?: number };
};

export type WebChat = {
  /** The node:http handler for everything under /chat. */
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /** The outbox's Sender for channel WEB (stores and pushes). */
  sender: Sender;
  hub: WebEventHub;
  /** Web Push, when `push` was given (`push.idle()` waits for the pushes in flight). */
  push: WebPusher | null;
  /** Closes the open event streams and waits for the pushes in flight. */
  stop(): Promise<void>;
};

const COOKIE = "edoc_chat";
/** The browser's own random id, kept across sign-ins: wrong codes are counted per browser, not per office NAT. */
const BROWSER_COOKIE = "edoc_browser";
const BROWSER_ID = /^[A-Za-z0-9_-]{16,64}$/;
const BROWSER_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;
const JSON_LIMIT = 256 * 1024;
/** Files of one message, at most (bots/shared keeps at most 60 pages of a form). */
const MAX_FILES_PER_UPLOAD = 60;
const UPDATE_KEY_RE = /^[A-Za-z0-9_-]{8,64}$/;

type Session = AuthenticatedSession;
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: string,
    /** The conversation messages the refusal added (an upload too large: told where it stays). */
    readonly messages: WebMessageView[] = [],
  ) {
    super(code);
    this.name = "HttpRefusal";
  }
}

export const createWebChat = (opts: WebChatOptions): WebChat => {
  const { deps, logger: log } = opts;
  const policy: WebSessionPolicy = { ...DEFAULT_WEB_SESSION_POLICY, ...opts.policy };
  const distDir = path.resolve(opts.distDir ?? DEFAULT_WEB_DIST_DIR);
  const hub = createWebEventHub();
  const links: FileLinkSigner = { secret: opts.secret, baseUrl: "", ttlSeconds: opts.fileLinkTtlSeconds ?? 24 * 3600 };
  const streams = new Set<() => void>();
  const env = (): BotEnv => ({ deps, logger: log, ...(opts.conversations ? { conversations: opts.conversations } : {}) });
  const view = (m: StoredWebMessage): WebMessageView => toWebMessageView(m, links, deps.clock.now());
  const maxUpload = deps.settings.maxUploadBytes;
  const pusher = opts.push ? createWebPusher({ deps, logger: log, options: opts.push }) : null;
  const uploadDir = opts.uploads?.dir ?? path.join(os.tmpdir(), "edoc-uploads");
  const uploadGate = createUploadGate({ perUser: opts.uploads?.perUser ?? 2, overall: opts.uploads?.overall ?? 8 });

  // === Sessions, cookies, CSRF

  const csrfTokenOf = (sessionId: string): string => createHmac("sha256", opts.secret).update(`edoc-web-csrf:${sessionId}`).digest("base64url");
  const cookieFor = (token: string, expiresAt: Date): string =>
    serializeCookie(COOKIE, token, { path: WEB_CHAT_PATH, maxAgeSeconds: (expiresAt.getTime() - deps.clock.now().getTime()) / 1000, secure: opts.secureCookies ?? false });
  const clearCookie = (): string => serializeCookie(COOKIE, "", { path: WEB_CHAT_PATH, maxAgeSeconds: 0, secure: opts.secureCookies ?? false });
  /** The browser id from its cookie, or a new one; with the cookie that keeps it. */
  const browserOf = (req: IncomingMessage): { id: string; cookie: string } => {
    const given = parseCookies(req.headers.cookie)[BROWSER_COOKIE] ?? "";
    const id = BROWSER_ID.test(given) ? given : generateBrowserId();
    return { id, cookie: serializeCookie(BROWSER_COOKIE, id, { path: WEB_CHAT_PATH, maxAgeSeconds: BROWSER_COOKIE_MAX_AGE_SECONDS, secure: opts.secureCookies ?? false }) };
  };

  const session = async (req: IncomingMessage, res: ServerResponse, { rotate = true }: { rotate?: boolean } = {}): Promise<Session> => {
    const token = parseCookies(req.headers.cookie)[COOKIE] ?? "";
    const s = token ? await authenticateSession(deps, { token, rotate }, policy) : null;
    if (!s) {
      if (token) res.setHeader("set-cookie", clearCookie());
      throw new HttpRefusal(401, "SIGNED_OUT", t("vi", "web.signedOut"));
    }
    if (s.newToken) res.setHeader("set-cookie", cookieFor(s.newToken, s.expiresAt));
    return s;
  };

  /** Every state-changing request: our own origin and the session's CSRF token. */
  const checkCsrf = (req: IncomingMessage, s: Session): void => {
    const given = Buffer.from(String(req.headers["x-csrf-token"] ?? ""));
    const expected = Buffer.from(csrfTokenOf(s.sessionId));
    if (!isSameOrigin(req) || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new HttpRefusal(403, "CSRF", t(s.actor.locale, "web.error.csrf"));
  };

  const textsFor = (locale: Locale): Record<string, string> => Object.fromEntries(Object.entries(CATALOG[locale]).filter(([k]) => k.startsWith("web.")));
  const me = (s: Session) => ({
    signedIn: true as const,
    user: { name: s.actor.name, title: s.actor.title, unitCode: s.actor.unitCode, roles: s.actor.roles },
    csrfToken: csrfTokenOf(s.sessionId),
    maxUploadBytes: maxUpload,
    /** The page's `applicationServerKey` when Web Push is on. */
    ...(pusher ? { pushPublicKey: pusher.publicKey } : {}),
    texts: textsFor(s.actor.locale),
  });

  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) throw new HttpRefusal(415, "BAD_REQUEST", t("vi", "web.error.badRequest"));
    try {
      const parsed: unknown = JSON.parse((await readBody(req, JSON_LIMIT)).toString("utf8"));
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw err;
    }
    throw new HttpRefusal(400, "BAD_REQUEST", t("vi", "web.error.badRequest"));
  };

  const updateKeyOf = (s: Session, raw: unknown): string => {
    if (typeof raw !== "string" || !UPDATE_KEY_RE.test(raw)) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.error.badRequest"));
    return `web:${s.actor.id}:${raw}`;
  };

  // === The conversation

  /** Stores the turn's replies and card changes; returns what the page shows at once. */
  const finishTurn = async (s: Session, result: TurnResult, pressedMessageId?: string) => {
    const updated = result.card ? await applyCardUpdate(deps, hub, s.actor.id, result.card, pressedMessageId) : [];
    const { stored, updated: superseded } = await storeOutgoing(deps, hub, s.actor.id, result.replies);
    return { messages: stored.map(view), updates: [...updated, ...superseded].map(view), ...(result.callbackText ? { callbackText: result.callbackText } : {}) };
  };

  const postMessage = async (req: IncomingMessage, res: ServerResponse, s: Session): Promise<void> => {
    const type = String(req.headers["content-type"] ?? "");
    if (type.startsWith("multipart/form-data")) {
      if (!uploadGate.tryEnter(s.actor.id)) {
        log.info({ userId: s.actor.id, active: uploadGate.active() }, "web upload refused: too many at once");
        throw new HttpRefusal(429, "UPLOADS_BUSY", t(s.actor.locale, "web.upload.busy"));
      }
      try {
        const upload = await receiveUpload(req, { dir: uploadDir, maxBytes: maxUpload, maxFiles: MAX_FILES_PER_UPLOAD, maxFieldBytes: JSON_LIMIT }).catch(async (err: unknown) => {
          if (err instanceof MalformedUploadError) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.error.badRequest"));
          if (err instanceof UploadTooLargeError) throw await refuseTooLarge(s, err);
          throw err;
        });
        // The files stay in their temporary files for the turn: read only where they must be parsed
        // (one large file at a time, bots/shared/incoming-files.ts), streamed where they are kept.
        const files: IncomingFile[] = upload.files.map((f) => ({ path: f.path, size: f.size, ...(f.fileName ? { fileName: f.fileName } : {}), ...(f.mime ? { mime: f.mime } : {}) }));
        let answer: object;
        try {
          answer = await answerMessage(s, upload.fields.text ?? "", upload.fields.updateKey, files);
        } finally {
          // Gone before the page hears back.
          await upload.dispose();
        }
        return sendJson(res, 200, answer);
      } finally {
        uploadGate.leave(s.actor.id);
      }
    }
    const body = await readJson(req);
    sendJson(res, 200, await answerMessage(s, typeof body.text === "string" ? body.text : "", body.updateKey, []));
  };

  /**
   * An upload over the limit is refused in the conversation, like every other bad file: what was
   * sent (its text, its files with the bytes received before the refusal) and the refusal are kept in the history and shown at
   * once; nothing of the file is kept. The answer is still 413, carrying those messages.
   */
  const refuseTooLarge = async (s: Session, err: UploadTooLargeError): Promise<HttpRefusal> => {
    const text = t(s.actor.locale, "web.upload.tooLarge", { maxMb: Math.round(maxUpload / 1048576) });
    const sent = err.fields.text?.trim() ?? "";
    const files = err.files.filter((f) => f.name !== "").map((f) => ({ name: f.name, size: f.received }));
    const incoming =
      sent !== "" || files.length > 0
        ? await appendWebMessages(deps, { userId: s.actor.id, direction: "IN", payloads: [{ ...(sent ? { text: sent } : {}), ...(files.length ? { files } : {}) }] })
        : [];
    const { stored } = await storeOutgoing(deps, hub, s.actor.id, [{ text }]);
    log.info({ userId: s.actor.id, limit: err.limit }, "web upload refused: too large");
    return new HttpRefusal(413, "TOO_LARGE", text, [...incoming, ...stored].map(view));
  };

  /** Runs the turn; returns what the page is answered. */
  const answerMessage = async (s: Session, text: string, rawKey: unknown, files: IncomingFile[]): Promise<object> => {
    const updateKey = updateKeyOf(s, rawKey);
    if (text.trim() === "" && files.length === 0) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.error.badRequest"));

    const [incoming] = await appendWebMessages(deps, {
      userId: s.actor.id,
      direction: "IN",
      payloads: [{ ...(text ? { text } : {}), ...(files.length ? { files: files.map((f) => ({ name: f.fileName ?? "", size: incomingFileSize(f) })) } : {}) }],
    });
    hub.publish(s.actor.id, { type: "nudge" });

    let result: TurnResult;
    if (files.length === 0 && isLinkAttempt(text, deps.settings.officeTimeZone, deps.clock.now())) {
      // A signed-in browser is its person: a code typed here must not re-bind the web identity.
      result = { replies: [{ text: t(s.actor.locale, "web.link.useSignOut", { name: s.actor.name }) }] };
    } else {
      result = await handleIncoming(env(), {
        channel: "WEB",
        externalUserId: s.actor.id,
        chatId: s.actor.id,
        displayName: s.actor.name,
        ...(text ? { text } : {}),
        ...(files.length ? { files } : {}),
        updateKey,
        // A long step's "đang đọc văn bản…": into the history and the event stream at once.
        progress: async (message) => void (await storeOutgoing(deps, hub, s.actor.id, [message])),
      });
    }
    // What the person typed stays in the history, except what a secret document may not keep.
    const shownIncoming = incoming && result.redactIncoming ? ((await redactWebMessage(deps, { userId: s.actor.id, id: incoming.id, text: t(s.actor.locale, "web.redacted") })) ?? incoming) : incoming;
    const out = await finishTurn(s, result);
    return { ...out, messages: [...(shownIncoming ? [view(shownIncoming)] : []), ...out.messages] };
  };

  const postPress = async (req: IncomingMessage, res: ServerResponse, s: Session): Promise<void> => {
    const body = await readJson(req);
    const updateKey = updateKeyOf(s, body.updateKey);
    const messageId = typeof body.messageId === "string" ? body.messageId : "";
    const callback = typeof body.callback === "string" ? body.callback : "";
    const message = messageId ? await getWebMessage(deps, { userId: s.actor.id, id: messageId }) : null;
    // Only a button the person was shown, on their own message, can be pressed; the use case
    // still checks that they may do it.
    if (!message || message.direction !== "OUT" || !(message.payload.actions ?? []).some((a) => a.callback === callback)) {
      sendJson(res, 200, { messages: [], updates: [], callbackText: t(s.actor.locale, "bot.confirm.stale") });
      return;
    }
    const result = await handleIncoming(env(), { channel: "WEB", externalUserId: s.actor.id, chatId: s.actor.id, displayName: s.actor.name, callback, updateKey });
    sendJson(res, 200, await finishTurn(s, result, messageId));
  };

  // === Web Push subscriptions

  const postPushSubscribe = async (req: IncomingMessage, res: ServerResponse, s: Session): Promise<void> => {
    const body = await readJson(req);
    const endpoint = typeof body.endpoint === "string" ? body.endpoint : "";
    const keys = (body.keys && typeof body.keys === "object" ? body.keys : {}) as Record<string, unknown>;
    if (!pusher!.isAllowedEndpoint(endpoint)) {
      const service = URL.canParse(endpoint) ? new URL(endpoint).host : "";
      log.info({ userId: s.actor.id, service }, "web push subscription refused: not a known push service (WEB_PUSH_HOSTS adds one)");
      throw new HttpRefusal(400, "PUSH_SERVICE_REFUSED", t(s.actor.locale, "web.push.serviceRefused"));
    }
    const input = { userId: s.actor.id, sessionId: s.sessionId, endpoint, p256dh: String(keys.p256dh ?? ""), auth: String(keys.auth ?? "") };
    try {
      await saveWebPushSubscription(deps, input);
    } catch (err) {
      if (err instanceof z.ZodError) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.push.invalid"));
      throw err;
    }
    log.info({ userId: s.actor.id, sessionId: s.sessionId, service: new URL(endpoint).host }, "web push subscribed");
    sendJson(res, 200, { subscribed: true });
  };

  const postPushUnsubscribe = async (req: IncomingMessage, res: ServerResponse, s: Session): Promise<void> => {
    const body = await readJson(req);
    const endpoint = typeof body.endpoint === "string" ? body.endpoint : "";
    if (!endpoint) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.push.invalid"));
    const { removed } = await removeWebPushSubscription(deps, { userId: s.actor.id, endpoint });
    sendJson(res, 200, { subscribed: false, removed });
  };

  // === Event stream

  const events = async (req: IncomingMessage, res: ServerResponse, url: URL, s: Session): Promise<void> => {
    const userId = s.actor.id;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no", connection: "keep-alive" });
    res.write("retry: 3000\n\n");
    let lastSeq = Number(req.headers["last-event-id"] ?? url.searchParams.get("after") ?? "0") || 0;
    let closed = false;
    let chain: Promise<void> = Promise.resolve();
    const write = (event: string, data: unknown, id?: number) => {
      if (!closed) res.write(`event: ${event}\n${id !== undefined ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
    };
    // Reads what this page has not seen yet, in order; one read at a time.
    const flush = () => {
      chain = chain
        .then(async () => {
          for (;;) {
            if (closed) return;
            const batch = await listWebMessages(deps, { userId, afterSeq: lastSeq });
            for (const m of batch) {
              write("message", view(m), m.seq);
              lastSeq = m.seq;
            }
            if (batch.length < WEB_HISTORY_PAGE) return;
          }
        })
        .catch((err: unknown) => log.warn({ err, userId }, "web event stream could not read messages"));
    };
    const unsubscribe = hub.subscribe(userId, (event) => (event.type === "nudge" ? flush() : write("update", view(event.message))));
    const poll = setInterval(flush, opts.pollMs ?? 5_000);
    const heartbeat = setInterval(() => {
      void (async () => {
        // By the session's id: this stream's cookie may have been rotated by another request since.
        const alive = await isWebSessionActive(deps, { sessionId: s.sessionId }, policy).catch(() => true);
        if (!alive) {
          write("signedOut", { message: t(s.actor.locale, "web.signedOut") });
          close();
          return;
        }
        if (!closed) res.write(": ping\n\n");
      })();
    }, opts.heartbeatMs ?? 25_000);
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(poll);
      clearInterval(heartbeat);
      streams.delete(close);
      res.end();
    };
    streams.add(close);
    req.on("close", close);
    flush();
  };

  // === Routes

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL, route: string): Promise<void> => {
    const method = req.method ?? "GET";
    if (route === "session" && method === "GET") {
      const token = parseCookies(req.headers.cookie)[COOKIE] ?? "";
      const s = token ? await authenticateSession(deps, { token }, policy) : null;
      if (!s) {
        if (token) res.setHeader("set-cookie", clearCookie());
        return sendJson(res, 200, { signedIn: false, texts: textsFor("vi") });
      }
      if (s.newToken) res.setHeader("set-cookie", cookieFor(s.newToken, s.expiresAt));
      return sendJson(res, 200, me(s));
    }
    if (route === "sign-in" && method === "POST") {
      if (!isSameOrigin(req)) throw new HttpRefusal(403, "CSRF", t("vi", "web.error.csrf"));
      const body = await readJson(req);
      const userAgent = String(req.headers["user-agent"] ?? "").slice(0, 512);
      const browser = browserOf(req);
      res.setHeader("set-cookie", browser.cookie); // kept on a refusal too: the next try counts for the same browser
      const r = await signInWithCode(
        deps,
        { code: typeof body.code === "string" ? body.code : "", clientIp: clientIpOf(req, opts.trustProxy ?? false), browserId: browser.id, ...(userAgent ? { userAgent } : {}) },
        policy,
      );
      const s = await authenticateSession(deps, { token: r.token, rotate: false }, policy);
      if (!s) throw new HttpRefusal(401, "SIGNED_OUT", t("vi", "web.signedOut"));
      res.setHeader("set-cookie", cookieFor(r.token, r.expiresAt)); // signed in: the browser's count was reset
      log.info({ userId: r.userId, sessionId: r.sessionId }, "web chat sign-in");
      return sendJson(res, 200, me(s));
    }
    if (route === "sign-out" && method === "POST") {
      const s = await session(req, res, { rotate: false });
      checkCsrf(req, s);
      await signOut(deps, { sessionId: s.sessionId });
      res.setHeader("set-cookie", clearCookie());
      return sendJson(res, 200, { signedIn: false, texts: textsFor(s.actor.locale) });
    }
    if (route === "messages" && method === "GET") {
      const s = await session(req, res);
      const before = Number(url.searchParams.get("before") ?? "");
      const messages = await listWebMessages(deps, { userId: s.actor.id, ...(Number.isInteger(before) && before > 0 ? { beforeSeq: before } : {}) });
      return sendJson(res, 200, { messages: messages.map(view), hasMore: messages.length === WEB_HISTORY_PAGE });
    }
    if (route === "messages" && method === "POST") {
      const s = await session(req, res);
      checkCsrf(req, s);
      return postMessage(req, res, s);
    }
    if (route === "press" && method === "POST") {
      const s = await session(req, res);
      checkCsrf(req, s);
      return postPress(req, res, s);
    }
    if (route === "tasks" && method === "GET") {
      const s = await session(req, res);
      const { items } = await listMyTasks(deps, { actorUserId: s.actor.id });
      return sendJson(res, 200, { tasks: items.map((i) => toTaskView(i, s.actor.locale, deps.settings.officeTimeZone)) });
    }
    if ((route === "push/subscribe" || route === "push/unsubscribe") && method === "POST" && pusher) {
      const s = await session(req, res);
      checkCsrf(req, s);
      return route === "push/subscribe" ? postPushSubscribe(req, res, s) : postPushUnsubscribe(req, res, s);
    }
    if (route === "events" && method === "GET") {
      const s = await session(req, res, { rotate: false });
      return events(req, res, url, s);
    }
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: t("vi", "error.notFound", { what: url.pathname }) } });
  };

  const page = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const rel = url.pathname.slice(WEB_CHAT_PATH.length).replace(/^\/+/, "");
    if (rel === "" || rel === "index.html") {
      if (await sendStaticFile(res, distDir, "index.html", { immutable: false, head })) return;
      // The person opening the page learns that an administrator must act; the operator's log says how.
      log.warn({ distDir }, "web chat page not built: run npm run build:web");
      const text = t("vi", "web.error.notBuilt");
      res.writeHead(503, { ...PAGE_SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" }).end(text);
      return;
    }
    if (await sendStaticFile(res, distDir, rel, { immutable: rel.startsWith("assets/"), head })) return;
    sendJson(res, 404, { error: { code: "NOT_FOUND", message: t("vi", "error.notFound", { what: url.pathname }) } });
  };

  return {
    hub,
    push: pusher,
    sender: createWebSender({ deps, hub, ...(pusher ? { push: pusher } : {}) }),
    handler: async (req, res, url) => {
      const prefix = `${WEB_CHAT_PATH}/api/`;
      if (!url.pathname.startsWith(prefix)) return page(req, res, url);
      try {
        await api(req, res, url, url.pathname.slice(prefix.length));
      } catch (err) {
        if (res.headersSent) throw err;
        // A refused request whose body was not read to the end: close the connection after the answer
        // rather than receive the rest.
        const unread: Record<string, string> = req.readableEnded ? {} : { connection: "close" };
        if (err instanceof HttpRefusal)
          return sendJson(res, err.status, { error: { code: err.code, message: err.text }, ...(err.messages.length ? { messages: err.messages, updates: [] } : {}) }, unread);
        if (err instanceof BodyTooLargeError && err.limit === JSON_LIMIT)
          return sendJson(res, 413, { error: { code: "TOO_LARGE", message: t("vi", "web.error.bodyTooLarge", { maxKb: Math.round(JSON_LIMIT / 1024) }) } }, unread);
        if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: { code: "TOO_LARGE", message: t("vi", "web.upload.tooLarge", { maxMb: Math.round(maxUpload / 1048576) }) } }, unread);
        if (isDomainError(err)) {
          const status = err.code === "LINK_LOCKED" ? 429 : err.code === "VALIDATION" ? 400 : 400;
          return sendJson(res, status, { error: { code: err.code, message: t("vi", err.messageKey, err.params) } });
        }
        throw err;
      }
    },
    stop: async () => {
      for (const close of [...streams]) close();
      await pusher?.idle();
    },
  };
};

/** A typed link code (`/link CODE`, `/start CODE`, a bare code). */
const isLinkAttempt = (text: string, zone: string, now: Date): boolean => {
  const parsed = parseMessage(text, { today: parseIsoDate(localDateOf(now, zone)) });
  return linkCodeOf(parsed) !== undefined;
};
