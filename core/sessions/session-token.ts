// Web chat session tokens and their lifetime rules. The browser holds a random token in an
// HttpOnly cookie; the database holds only its SHA-256, so a leaked table does not sign anyone in.
import { createHash, randomBytes } from "node:crypto";

/** How long a web session lives and how often its token changes. */
export type WebSessionPolicy = {
  /** Signed out after this long without a request. @defaultValue 12 h */
  idleMs: number;
  /** Signed out this long after signing in, whatever the activity. @defaultValue 7 days */
  maxMs: number;
  /** A token older than this is replaced on the next request. @defaultValue 15 min */
  rotateMs: number;
  /** The replaced token still works this long (requests already in flight). @defaultValue 60 s */
  graceMs: number;
};

export const DEFAULT_WEB_SESSION_POLICY: WebSessionPolicy = {
  idleMs: 12 * 3_600_000,
  maxMs: 7 * 24 * 3_600_000,
  rotateMs: 15 * 60_000,
  graceMs: 60_000,
};

/** 32 random bytes, base64url (43 characters). */
export const generateSessionToken = (): string => randomBytes(32).toString("base64url");

/** What is stored: never the token itself. */
export const hashSessionToken = (token: string): string => createHash("sha256").update(`edoc-web-session:${token}`).digest("hex");

/** The throttle key of sign-in attempts from one client address (LinkThrottle, channel WEB). */
export const signInThrottleKey = (clientIp: string): string => `ip:${clientIp}`;

/** The throttle key of sign-in attempts from one browser (its sign-in cookie; LinkThrottle, channel WEB). */
export const signInBrowserKey = (browserId: string): string => `browser:${browserId}`;

/** A new browser id for the sign-in cookie: 16 random bytes, base64url (22 characters). */
export const generateBrowserId = (): string => randomBytes(16).toString("base64url");
