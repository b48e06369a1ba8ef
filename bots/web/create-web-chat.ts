// The web chat: the same bot in a browser, served by the service itself at /chat. A person signs
// in with a one-time link code (a session cookie: HttpOnly, SameSite=Strict, rotating, expiring,
// stored hashed); what they type, upload or press becomes one channel-neutral turn for
// bots/shared's handleIncoming (channel WEB, externalUserId = chatId = their user id); the replies
// and every delivered outbox message are stored in their web history and pushed to their open
// pages over server-sent events.
//
// One Hono app, its routes split by concern (routes/*.ts):
//   session.ts   GET /chat/api/session, POST /chat/api/sign-in, POST /chat/api/sign-out
//   messages.ts  GET|POST /chat/api/messages, POST /chat/api/press, GET /chat/api/tasks
//   events.ts    GET /chat/api/events (server-sent events)
//   push.ts      POST /chat/api/push/subscribe|unsubscribe (when Web Push is on)
//   page.ts      GET /chat and /chat/assets/* (the built page)
// Every POST needs the session's CSRF token in `X-CSRF-Token` (sign-in: a JSON body); a missing or
// forged one is refused with 403, and so is a request from another origin (Hono's csrf, ownOrigin).
// JSON bodies are bounded by Hono's bodyLimit; every answer carries Hono's secure headers (a strict
// CSP, no framing, no referrer: file links are signed). Refusals are answered here, in one place.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { isDomainError, t, type Sender } from "../../core/index.ts";
import type { WebEventHub } from "./event-hub.ts";
import { BodyTooLargeError, nodeListener } from "./http.ts";
import { eventRoutes } from "./routes/events.ts";
import { messageRoutes } from "./routes/messages.ts";
import { pageRoutes } from "./routes/page.ts";
import { pushRoutes } from "./routes/push.ts";
import { sessionRoutes } from "./routes/session.ts";
import {
  createWebChatKit,
  HttpRefusal,
  jsonBodyLimit,
  notFound,
  ownOrigin,
  sendJson,
  unreadBodyHeaders,
  WEB_CHAT_PATH,
  type WebChatEnv,
  type WebChatOptions,
} from "./web-chat-kit.ts";
import { createWebSender } from "./web-sender.ts";
import type { WebPusher } from "./web-push.ts";

/**
 * Hono's secure headers on every answer under /chat: the page's strict CSP (no inline script), no
 * framing at all, no referrer (file links are signed). HSTS stays with the proxy that serves https.
 */
const SECURE_HEADERS: NonNullable<Parameters<typeof secureHeaders>[0]> = {
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:", "blob:"],
    connectSrc: ["'self'"],
    frameSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  strictTransportSecurity: false,
};

// === Public API

export { DEFAULT_WEB_DIST_DIR, WEB_CHAT_PATH, type WebChatOptions } from "./web-chat-kit.ts";

export type WebChat = {
  /** The Hono app for everything under /chat (mounted in the service's HTTP app). */
  app: Hono<WebChatEnv>;
  /** The node:http handler for everything under /chat (the app through @hono/node-server). */
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /** The outbox's Sender for channel WEB (stores and pushes). */
  sender: Sender;
  hub: WebEventHub;
  /** Web Push, when `push` was given (`push.idle()` waits for the pushes in flight). */
  push: WebPusher | null;
  /** Closes the open event streams and waits for the pushes in flight. */
  stop(): Promise<void>;
};

export const createWebChat = (opts: WebChatOptions): WebChat => {
  const kit = createWebChatKit(opts);
  const { deps, hub, pusher, maxUpload } = kit;

  const api = new Hono<WebChatEnv>().use(ownOrigin(), jsonBodyLimit()).route("/", sessionRoutes(kit)).route("/", messageRoutes(kit)).route("/", eventRoutes(kit));
  if (pusher) api.route("/", pushRoutes(kit, pusher));
  api.all("*", notFound);

  const app = new Hono<WebChatEnv>().use(`${WEB_CHAT_PATH}/*`, secureHeaders(SECURE_HEADERS)).route(`${WEB_CHAT_PATH}/api`, api).route(WEB_CHAT_PATH, pageRoutes(kit));
  app.notFound(notFound);
  app.onError((err, c) => {
    // A refused request whose body was not read to the end: close the connection after the answer
    // rather than receive the rest.
    const unread = unreadBodyHeaders(c);
    if (err instanceof HttpRefusal)
      return sendJson(c, err.status, { error: { code: err.code, message: err.text }, ...(err.messages.length ? { messages: err.messages, updates: [] } : {}) }, unread);
    // Hono's csrf: a form post from another origin.
    if (err instanceof HTTPException && err.status === 403) return sendJson(c, 403, { error: { code: "CSRF", message: t("vi", "web.error.csrf") } }, unread);
    if (err instanceof BodyTooLargeError)
      return sendJson(c, 413, { error: { code: "TOO_LARGE", message: t("vi", "web.upload.tooLarge", { maxMb: Math.round(maxUpload / 1048576) }) } }, unread);
    if (isDomainError(err)) {
      const status = err.code === "LINK_LOCKED" ? 429 : 400;
      return sendJson(c, status, { error: { code: err.code, message: t("vi", err.messageKey, err.params) } });
    }
    // Not a refusal: the service's HTTP app answers it (500, logged once a minute).
    throw err;
  });
  // Served on its own (`handler`): a failure that is no refusal is handed back to the caller.
  const failures = new WeakMap<IncomingMessage, unknown>();
  const alone = new Hono<WebChatEnv>().route("/", app);
  alone.onError((err, c) => {
    failures.set(c.env.incoming, err);
    return RESPONSE_ALREADY_SENT;
  });
  const listener = nodeListener(alone);

  return {
    app,
    hub,
    push: pusher,
    sender: createWebSender({ deps, hub, ...(pusher ? { push: pusher } : {}) }),
    handler: async (req, res) => {
      await listener(req, res);
      if (failures.has(req)) throw failures.get(req);
    },
    stop: async () => {
      for (const close of [...kit.streams]) close();
      await pusher?.idle();
    },
  };
};
