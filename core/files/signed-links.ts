// Signed, expiring download links bound to one person: how documents reach Zalo users (the Zalo
// bot cannot send files) and the web chat. The token carries the file, the person and the expiry,
// and an HMAC-SHA256 over them; an altered or expired token is refused.
import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "../errors.ts";
import { isSha256Hex } from "./file-store.ts";

export type FileLinkClaims = {
  /** The file's SHA-256 in the store. */
  sha256: string;
  /** The person the link was made for. */
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** File name offered to the browser. */
  name: string;
};

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

export const signFileLink = (secret: string, claims: FileLinkClaims): string => {
  const body = b64url(JSON.stringify([claims.sha256, claims.userId, claims.exp, claims.name]));
  const mac = createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${mac}`;
};

/** Checks a token's signature and expiry; throws FILE_LINK_INVALID / FILE_LINK_EXPIRED. */
export const verifyFileLink = (secret: string, token: string, now: Date): FileLinkClaims => {
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) throw new DomainError("FILE_LINK_INVALID", "fileLink.invalid");
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError("FILE_LINK_INVALID", "fileLink.invalid");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw new DomainError("FILE_LINK_INVALID", "fileLink.invalid");
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new DomainError("FILE_LINK_INVALID", "fileLink.invalid");
  const [sha256, userId, exp, name] = parsed as [unknown, unknown, unknown, unknown];
  if (typeof sha256 !== "string" || !isSha256Hex(sha256) || typeof userId !== "string" || typeof exp !== "number" || typeof name !== "string")
    throw new DomainError("FILE_LINK_INVALID", "fileLink.invalid");
  if (exp * 1000 <= now.getTime()) throw new DomainError("FILE_LINK_EXPIRED", "fileLink.expired");
  return { sha256, userId, exp, name };
};

/** A link for `userId` to a file, valid for `ttlSeconds` (default 7 days). */
export const makeFileLink = (
  { baseUrl, secret }: { baseUrl: string; secret: string },
  { sha256, userId, name, now, ttlSeconds = 7 * 24 * 3600 }: { sha256: string; userId: string; name: string; now: Date; ttlSeconds?: number },
): string => `${baseUrl.replace(/\/+$/, "")}/files/${signFileLink(secret, { sha256, userId, name, exp: Math.floor(now.getTime() / 1000) + ttlSeconds })}`;
