import { loadActor, type Actor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { isDomainError } from "../errors.ts";
import { DEFAULT_WEB_SESSION_POLICY, generateSessionToken, hashSessionToken, type WebSessionPolicy } from "./session-token.ts";

export type AuthenticatedSession = {
  sessionId: string;
  actor: Actor;
  /** Set when the token was rotated by this call: the adapter must send it as the new cookie. */
  newToken?: string;
  /** The session's absolute end. */
  expiresAt: Date;
};

/** lastSeenAt is written at most this often (a page makes many requests). */
const TOUCH_EVERY_MS = 60_000;

/**
 * The session behind a cookie token, or null when there is none: unknown token, revoked (signed
 * out, or `edoc user logout`), idle longer than `policy.idleMs`, past its absolute end, or its
 * person deactivated. A token older than `policy.rotateMs` is replaced (compare-and-set: of two
 * concurrent requests one rotates); the replaced token keeps working for `policy.graceMs`.
 * `rotate: false` (event streams, whose responses set no cookie) never rotates, and
 * `touch: false` does not count the request as activity.
 *
 * @example const s = await authenticateSession(deps, { token: cookie }); if (s?.newToken) setCookie(s.newToken);
 */
export const authenticateSession = async (
  deps: Pick<CoreDeps, "prisma" | "clock">,
  { token, rotate = true, touch = true }: { token: string; rotate?: boolean; touch?: boolean },
  policy: WebSessionPolicy = DEFAULT_WEB_SESSION_POLICY,
): Promise<AuthenticatedSession | null> => {
  if (!token || token.length > 128) return null;
  const now = deps.clock.now();
  const hash = hashSessionToken(token);
  const select = { id: true, userId: true, tokenHash: true, rotatedAt: true, lastSeenAt: true, expiresAt: true, revokedAt: true } as const;
  const session =
    (await deps.prisma.webSession.findUnique({ where: { tokenHash: hash }, select })) ?? (await deps.prisma.webSession.findUnique({ where: { prevTokenHash: hash }, select }));
  if (!session || session.revokedAt !== null) return null;
  const isCurrent = session.tokenHash === hash;
  if (!isCurrent && session.rotatedAt.getTime() + policy.graceMs <= now.getTime()) return null;
  if (session.expiresAt <= now || session.lastSeenAt.getTime() + policy.idleMs <= now.getTime()) return null;

  let actor: Actor;
  try {
    actor = await loadActor(deps.prisma, session.userId);
  } catch (err) {
    if (isDomainError(err)) return null;
    throw err;
  }

  let newToken: string | undefined;
  if (rotate && isCurrent && session.rotatedAt.getTime() + policy.rotateMs <= now.getTime()) {
    const candidate = generateSessionToken();
    const swapped = await deps.prisma.webSession.updateMany({
      where: { id: session.id, tokenHash: hash, revokedAt: null },
      data: { tokenHash: hashSessionToken(candidate), prevTokenHash: hash, rotatedAt: now, lastSeenAt: now },
    });
    if (swapped.count === 1) newToken = candidate;
  } else if (touch && now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await deps.prisma.webSession.updateMany({ where: { id: session.id, revokedAt: null }, data: { lastSeenAt: now } });
  }
  return { sessionId: session.id, actor, expiresAt: session.expiresAt, ...(newToken ? { newToken } : {}) };
};

/**
 * Whether a session (by id) can still be used: not revoked, not idle too long, not past its end.
 * Open event streams ask this on every heartbeat: their cookie may have been rotated since.
 */
export const isWebSessionActive = async (
  deps: Pick<CoreDeps, "prisma" | "clock">,
  { sessionId }: { sessionId: string },
  policy: WebSessionPolicy = DEFAULT_WEB_SESSION_POLICY,
): Promise<boolean> => {
  const row = await deps.prisma.webSession.findUnique({ where: { id: sessionId }, select: { revokedAt: true, lastSeenAt: true, expiresAt: true, userId: true } });
  const now = deps.clock.now().getTime();
  if (!row || row.revokedAt !== null || row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + policy.idleMs <= now) return false;
  const user = await deps.prisma.user.findUnique({ where: { id: row.userId }, select: { active: true } });
  return user?.active === true;
};
