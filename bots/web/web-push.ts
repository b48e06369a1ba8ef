// Web Push for the web chat: when the web sender has stored a delivered message, each browser the
// person subscribed ("Bật thông báo") gets a short notification through its push service, even when
// no page is open. The push says only what a lock screen may show: the message's title and the first
// line of its text (for a document, its subject line), never a file or the rest of the text. Its
// service worker (web/public/sw.js) shows it and opens /chat when it is clicked.
//
// Pushes are best effort and never fail a delivery: the message is in the web history anyway. They
// run in the background (a slow push service must not hold the outbox's send past its timeout,
// which would store the message twice); `idle()` waits for them. A 404/410 from the push service
// deletes the subscription; other failures are counted and logged.
//
// A subscription's endpoint is whatever the browser (or anyone signed in) posted, so the server only
// ever sends to known push services (`allowedHosts`), over https.
import type { Agent } from "node:https";
import webpush from "web-push";
import {
  type CoreDeps,
  t,
  type Locale,
  type OutboundMessage,
  listWebPushSubscriptions,
  recordWebPushOutcome,
  type WebPushTarget,
  type StoredWebMessage,
} from "../../core/index.ts";
import type { BotLogger } from "../shared/types.ts";

// === Public API

/** The server's VAPID identity (RFC 8292): browsers accept pushes signed with this key only. */
export type VapidKeys = {
  /** Uncompressed P-256 public key, base64url (the page's `applicationServerKey`). */
  publicKey: string;
  /** P-256 private key, base64url. */
  privateKey: string;
  /** Who runs this server, for the push services: a `mailto:` or `https:` URL. */
  subject: string;
};

/**
 * Push services the server sends to: Chrome/Edge/Opera (FCM), Firefox (Mozilla autopush), Edge on
 * Windows (WNS) and Safari (Apple). An entry starting with "." matches that domain's subdomains; an
 * entry with a port ("127.0.0.1:8443") matches that host and port exactly.
 */
export const DEFAULT_PUSH_SERVICE_HOSTS: readonly string[] = ["fcm.googleapis.com", ".push.services.mozilla.com", ".notify.windows.com", ".push.apple.com"];

export type WebPushOptions = {
  vapid: VapidKeys;
  /** Push services that may be sent to. @defaultValue DEFAULT_PUSH_SERVICE_HOSTS */
  allowedHosts?: readonly string[];
  /** How long a push service keeps a push for a browser that is offline. @defaultValue 86400 (one day) */
  ttlSeconds?: number;
  /** Socket timeout of one push request. @defaultValue 10000 */
  timeoutMs?: number;
  /** The https agent for push requests (tests: one that trusts a local fake push service). @defaultValue Node's global agent */
  agent?: Agent;
};

export type WebPusher = {
  /** The page's `applicationServerKey`. */
  publicKey: string;
  /** Whether the server would send to this endpoint (https, a known push service). */
  isAllowedEndpoint(endpoint: string): boolean;
  /** Starts one push per stored message to each of the person's subscribed browsers; never throws. */
  notify(userId: string, locale: Locale, messages: StoredWebMessage[]): void;
  /** Resolves when every push started so far has finished (shutdown, tests). */
  idle(): Promise<void>;
};

/** What the service worker receives (JSON, encrypted by the push protocol). */
export type WebPushPayload = { title: string; body: string; tag: string; url: string };

const TITLE_MAX = 120;
const BODY_MAX = 160;

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);

/** The notification for one message: its title (or the bot's name) and the first line of its text. */
export const pushPayloadOf = (message: { id: string; payload: OutboundMessage }, locale: Locale): WebPushPayload => {
  const firstLine = message.payload.text.split("\n").find((line) => line.trim() !== "") ?? "";
  return {
    title: clip((message.payload.title ?? "").trim() || t(locale, "web.bot"), TITLE_MAX),
    body: clip(firstLine.trim(), BODY_MAX),
    tag: message.id,
    url: "/chat",
  };
};

/**
 * "high" for a FLASH (hỏa tốc) message, which the outbox marks in the title with the urgency tag
 * (notify.urgencyTag, in either language); "normal" for everything else.
 */
export const pushUrgencyOf = (message: OutboundMessage): "high" | "normal" => {
  const title = message.title ?? "";
  const flash = (["vi", "en"] as const).map((l) => t(l, "notify.urgencyTag", { urgency: t(l, "notify.urgency.FLASH").toUpperCase() }).trim());
  return flash.some((tag) => title.includes(tag)) ? "high" : "normal";
};

/** Whether `endpoint` is an https URL of one of `allowedHosts` (see DEFAULT_PUSH_SERVICE_HOSTS). */
export const isAllowedPushEndpoint = (endpoint: string, allowedHosts: readonly string[] = DEFAULT_PUSH_SERVICE_HOSTS): boolean => {
  if (!URL.canParse(endpoint)) return false;
  const url = new URL(endpoint);
  if (url.protocol !== "https:" || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return allowedHosts.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry.includes(":") && !entry.startsWith("[")) return url.host.toLowerCase() === entry;
    if (url.port !== "") return false;
    return entry.startsWith(".") ? host.endsWith(entry) && host.length > entry.length : host === entry;
  });
};

export const createWebPusher = ({ deps, logger: log, options }: { deps: Pick<CoreDeps, "prisma" | "clock">; logger: BotLogger; options: WebPushOptions }): WebPusher => {
  const allowedHosts = options.allowedHosts ?? DEFAULT_PUSH_SERVICE_HOSTS;
  const pending = new Set<Promise<void>>();
  const isAllowedEndpoint = (endpoint: string) => isAllowedPushEndpoint(endpoint, allowedHosts);

  const record = async (sub: WebPushTarget, outcome: "sent" | "gone" | "failed"): Promise<void> => {
    await recordWebPushOutcome(deps, { id: sub.id, outcome }).catch((err: unknown) => log.warn({ err, subscriptionId: sub.id }, "could not record a web push outcome"));
  };

  const pushOne = async (userId: string, sub: WebPushTarget, payload: WebPushPayload, urgency: "high" | "normal"): Promise<void> => {
    const service = URL.canParse(sub.endpoint) ? new URL(sub.endpoint).host : "?";
    if (!isAllowedEndpoint(sub.endpoint)) {
      // Stored before the allow-list changed: never sent to, and removed.
      log.warn({ userId, subscriptionId: sub.id, service }, "web push subscription points to a push service that is not allowed; removed");
      return record(sub, "gone");
    }
    try {
      await webpush.sendNotification({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
        vapidDetails: options.vapid,
        TTL: options.ttlSeconds ?? 86_400,
        urgency,
        contentEncoding: "aes128gcm",
        timeout: options.timeoutMs ?? 10_000,
        ...(options.agent ? { agent: options.agent } : {}),
      });
      await record(sub, "sent");
    } catch (err) {
      const status = err instanceof webpush.WebPushError ? err.statusCode : undefined;
      if (status === 404 || status === 410) {
        log.info({ userId, subscriptionId: sub.id, service, status }, "web push subscription is gone; removed");
        return record(sub, "gone");
      }
      const body = err instanceof webpush.WebPushError ? err.body.slice(0, 200) : undefined;
      log.warn(
        { userId, subscriptionId: sub.id, service, status, body, error: err instanceof Error ? err.message : String(err) },
        "web push failed (the message is in the web history anyway); a 401/403 usually means the VAPID keys changed since the browser subscribed",
      );
      return record(sub, "failed");
    }
  };

  const run = async (userId: string, locale: Locale, messages: StoredWebMessage[]): Promise<void> => {
    const subs = await listWebPushSubscriptions(deps, { userId });
    if (subs.length === 0) return;
    for (const m of messages) {
      if (m.direction !== "OUT") continue;
      const payload = pushPayloadOf(m, locale);
      const urgency = pushUrgencyOf(m.payload);
      await Promise.all(subs.map((sub) => pushOne(userId, sub, payload, urgency)));
    }
  };

  return {
    publicKey: options.vapid.publicKey,
    isAllowedEndpoint,
    notify: (userId, locale, messages) => {
      const job = run(userId, locale, messages)
        .catch((err: unknown) => log.warn({ err, userId }, "web push could not run (the message is in the web history anyway)"))
        .finally(() => pending.delete(job));
      pending.add(job);
    },
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
};
