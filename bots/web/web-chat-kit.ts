// What every route of the web chat shares: the options resolved once, sessions and their cookies,
// the CSRF checks (Hono's csrf for the origin, the session's token), bounded JSON bodies (Hono's
// bodyLimit), the JSON answer and the refusal it carries. The routes
// themselves live in routes/*.ts, one file per concern; create-web-chat.ts assembles them.
import { createHmac, timingSafeEqual } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  type ConversationStore,
  type CoreDeps,
  CATALOG,
  t,
  type Locale,
  authenticateSession,
  type AuthenticatedSession,
  DEFAULT_WEB_SESSION_POLICY,
  generateBrowserId,
  type WebSessionPolicy,
  type StoredWebMessage,
} from "../../core/index.ts";
import type { BotEnv, BotLogger } from "../shared/types.ts";
import { createWebEventHub, type WebEventHub } from "./event-hub.ts";
import { isOwnOrigin, parseCookies, sendJson, serializeCookie } from "./http.ts";

export { sendJson };
import { createUploadGate, type UploadGate } from "./receive-upload.ts";
import { toWebMessageView, type FileLinkSigner, type WebMessageView } from "./render-web.ts";
import { createWebPusher, type WebPusher, type WebPushOptions } from "./web-push.ts";

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

export type Session = AuthenticatedSession;
/** The Hono environment of the web chat: served by @hono/node-server, so the raw Node request is at `c.env.incoming`. */
export type WebChatEnv = { Bindings: HttpBindings };
export type WebContext = Context<WebChatEnv>;

export const COOKIE = "edoc_chat";
/** The browser's own random id, kept across sign-ins: wrong codes are counted per browser, not per office NAT. */
const BROWSER_COOKIE = "edoc_browser";
const BROWSER_ID = /^[A-Za-z0-9_-]{16,64}$/;
const BROWSER_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;
export const JSON_LIMIT = 256 * 1024;
const UPDATE_KEY_RE = /^[A-Za-z0-9_-]{8,64}$/;

export class HttpRefusal extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly text: string,
    /** The conversation messages the refusal added (an upload too large: told where it stays). */
    readonly messages: WebMessageView[] = [],
  ) {
    super(code);
    this.name = "HttpRefusal";
  }
}

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;
const isMultipart = (c: WebContext): boolean => (c.req.header("content-type") ?? "").startsWith("multipart/form-data");
/** What a refused request whose body was not read to the end is answered with: close rather than receive the rest. */
export const unreadBodyHeaders = (c: WebContext): Record<string, string> => (c.env.incoming.readableEnded ? {} : { connection: "close" });

/**
 * A state-changing request that names an origin must name ours. Form bodies (the ones another site's
 * page can post without a CORS preflight): Hono's csrf, by Origin or Sec-Fetch-Site. Other bodies
 * (JSON): the same origin rule here, since Hono's csrf leaves them to CORS and an API client can
 * still send them. A request without Origin (not a browser) is left to the session's CSRF token.
 * Refusals (Hono's HTTPException 403, or ours) are answered 403 CSRF by the app's onError.
 */
export const ownOrigin = (): MiddlewareHandler<WebChatEnv> => {
  const forms = csrf({ origin: (origin, c) => isOwnOrigin(origin, c) });
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin === undefined || SAFE_METHOD.test(c.req.method)) return next();
    if ((c.req.header("content-type") ?? "").startsWith("application/json")) {
      if (!isOwnOrigin(origin, c)) throw new HttpRefusal(403, "CSRF", t("vi", "web.error.csrf"));
      return next();
    }
    return forms(c, next);
  };
};

/**
 * JSON bodies of at most JSON_LIMIT bytes (Hono's bodyLimit: the declared length, or counted while
 * read): 413 with the JSON limit's own message. Multipart uploads are not read here: they stream to
 * temporary files with the upload limit (receive-upload.ts).
 */
export const jsonBodyLimit = (): MiddlewareHandler<WebChatEnv> => {
  const limit = bodyLimit({
    maxSize: JSON_LIMIT,
    onError: (c) =>
      sendJson(c, 413, { error: { code: "TOO_LARGE", message: t("vi", "web.error.bodyTooLarge", { maxKb: Math.round(JSON_LIMIT / 1024) }) } }, unreadBodyHeaders(c as WebContext)),
  });
  return async (c, next) => (SAFE_METHOD.test(c.req.method) || isMultipart(c) ? next() : limit(c, next));
};

export const notFound = (c: WebContext): Response => sendJson(c, 404, { error: { code: "NOT_FOUND", message: t("vi", "error.notFound", { what: c.req.path }) } });

export type WebChatKit = ReturnType<typeof createWebChatKit>;

export const createWebChatKit = (opts: WebChatOptions) => {
  const { deps, logger: log } = opts;
  const policy: WebSessionPolicy = { ...DEFAULT_WEB_SESSION_POLICY, ...opts.policy };
  const secure = opts.secureCookies ?? false;
  const hub: WebEventHub = createWebEventHub();
  const links: FileLinkSigner = { secret: opts.secret, baseUrl: "", ttlSeconds: opts.fileLinkTtlSeconds ?? 24 * 3600 };
  const pusher: WebPusher | null = opts.push ? createWebPusher({ deps, logger: log, options: opts.push }) : null;
  const uploadGate: UploadGate = createUploadGate({ perUser: opts.uploads?.perUser ?? 2, overall: opts.uploads?.overall ?? 8 });
  const maxUpload = deps.settings.maxUploadBytes;

  const csrfTokenOf = (sessionId: string): string => createHmac("sha256", opts.secret).update(`edoc-web-csrf:${sessionId}`).digest("base64url");
  const cookieFor = (token: string, expiresAt: Date): string =>
    serializeCookie(COOKIE, token, { path: WEB_CHAT_PATH, maxAgeSeconds: (expiresAt.getTime() - deps.clock.now().getTime()) / 1000, secure });
  const clearCookie = (): string => serializeCookie(COOKIE, "", { path: WEB_CHAT_PATH, maxAgeSeconds: 0, secure });
  const textsFor = (locale: Locale): Record<string, string> => Object.fromEntries(Object.entries(CATALOG[locale]).filter(([k]) => k.startsWith("web.")));

  return {
    opts,
    deps,
    log,
    policy,
    hub,
    pusher,
    uploadGate,
    maxUpload,
    uploadDir: opts.uploads?.dir ?? path.join(os.tmpdir(), "edoc-uploads"),
    distDir: path.resolve(opts.distDir ?? DEFAULT_WEB_DIST_DIR),
    /** Closes of the open event streams. */
    streams: new Set<() => void>(),
    env: (): BotEnv => ({ deps, logger: log, ...(opts.conversations ? { conversations: opts.conversations } : {}) }),
    view: (m: StoredWebMessage): WebMessageView => toWebMessageView(m, links, deps.clock.now()),
    cookieFor,
    clearCookie,
    textsFor,
    cookieToken: (c: WebContext): string => parseCookies(c.req.header("cookie"))[COOKIE] ?? "",

    /** The browser id from its cookie, or a new one; with the cookie that keeps it. */
    browserOf: (c: WebContext): { id: string; cookie: string } => {
      const given = parseCookies(c.req.header("cookie"))[BROWSER_COOKIE] ?? "";
      const id = BROWSER_ID.test(given) ? given : generateBrowserId();
      return { id, cookie: serializeCookie(BROWSER_COOKIE, id, { path: WEB_CHAT_PATH, maxAgeSeconds: BROWSER_COOKIE_MAX_AGE_SECONDS, secure }) };
    },

    /** The signed-in session (its cookie renewed when rotated), or 401. */
    session: async (c: WebContext, { rotate = true }: { rotate?: boolean } = {}): Promise<Session> => {
      const token = parseCookies(c.req.header("cookie"))[COOKIE] ?? "";
      const s = token ? await authenticateSession(deps, { token, rotate }, policy) : null;
      if (!s) {
        if (token) c.header("set-cookie", clearCookie());
        throw new HttpRefusal(401, "SIGNED_OUT", t("vi", "web.signedOut"));
      }
      if (s.newToken) c.header("set-cookie", cookieFor(s.newToken, s.expiresAt));
      return s;
    },

    /** Every state-changing request of a session: the session's CSRF token (the origin: `ownOrigin`). */
    checkCsrf: (c: WebContext, s: Session): void => {
      const given = Buffer.from(c.req.header("x-csrf-token") ?? "");
      const expected = Buffer.from(csrfTokenOf(s.sessionId));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpRefusal(403, "CSRF", t(s.actor.locale, "web.error.csrf"));
    },

    me: (s: Session) => ({
      signedIn: true as const,
      user: { name: s.actor.name, title: s.actor.title, unitCode: s.actor.unitCode, roles: s.actor.roles },
      csrfToken: csrfTokenOf(s.sessionId),
      maxUploadBytes: maxUpload,
      /** The page's `applicationServerKey` when Web Push is on. */
      ...(pusher ? { pushPublicKey: pusher.publicKey } : {}),
      texts: textsFor(s.actor.locale),
    }),

    /** A JSON object body (415/400 otherwise; bounded by `jsonBodyLimit`). */
    readJson: async (c: WebContext): Promise<Record<string, unknown>> => {
      if (!(c.req.header("content-type") ?? "").startsWith("application/json")) throw new HttpRefusal(415, "BAD_REQUEST", t("vi", "web.error.badRequest"));
      const text = await c.req.text();
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // answered below
      }
      throw new HttpRefusal(400, "BAD_REQUEST", t("vi", "web.error.badRequest"));
    },

    updateKeyOf: (s: Session, raw: unknown): string => {
      if (typeof raw !== "string" || !UPDATE_KEY_RE.test(raw)) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.error.badRequest"));
      return `web:${s.actor.id}:${raw}`;
    },
  };
};
