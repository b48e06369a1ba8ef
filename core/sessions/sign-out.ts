import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";

export const ZSignOutInput = z.object({ sessionId: z.string().min(1) });
export type SignOutInput = z.infer<typeof ZSignOutInput>;

/**
 * Ends one web session (the person pressed "Đăng xuất") and removes the push subscription that
 * browser made in it. Signing out twice is harmless.
 *
 * @example await signOut(deps, { sessionId });
 */
export const signOut = async (deps: CoreDeps, raw: SignOutInput): Promise<{ signedOut: boolean }> => {
  const input = ZSignOutInput.parse(raw);
  const now = deps.clock.now();
  return deps.prisma.$transaction(async (tx) => {
    const session = await tx.webSession.findUnique({ where: { id: input.sessionId }, select: { id: true, userId: true, revokedAt: true } });
    if (!session || session.revokedAt !== null) return { signedOut: false };
    await tx.webSession.update({ where: { id: session.id }, data: { revokedAt: now } });
    // This browser stops getting push notifications for the person (a shared computer).
    await tx.webPushSubscription.deleteMany({ where: { sessionId: session.id } });
    const user = await tx.user.findUnique({ where: { id: session.userId }, select: { orgId: true } });
    await appendAuditEvent(tx, { type: "web.signedOut", at: now, orgId: user?.orgId ?? null, actorUserId: session.userId, entityType: "WebSession", entityId: session.id });
    return { signedOut: true };
  });
};

export const ZRevokeWebSessionsInput = z.object({
  /** The user's code in the organisation file, e.g. `tp.tckh`. */
  userCode: z.string().min(1),
  /** Who revokes (an administrator's user id), when known. */
  revokedById: z.string().optional(),
});
export type RevokeWebSessionsInput = z.infer<typeof ZRevokeWebSessionsInput>;

/**
 * `edoc user logout USER`: ends every web session of the person at once (a lost phone, a person
 * leaving) and unlinks their web chat identity, so the outbox delivers to their other chats until
 * they sign in again (with none, messages wait in their web chat, shown after the next sign-in).
 * Open pages notice within a heartbeat and show the sign-in screen; their browsers' push
 * subscriptions are removed.
 *
 * @throws DomainError USER_NOT_FOUND
 * @example const { revoked } = await revokeWebSessions(deps, { userCode: "tp.tckh" });
 */
export const revokeWebSessions = async (deps: CoreDeps, raw: RevokeWebSessionsInput): Promise<{ userId: string; userName: string; revoked: number }> => {
  const input = ZRevokeWebSessionsInput.parse(raw);
  const now = deps.clock.now();
  const user = await deps.prisma.user.findFirst({ where: { code: input.userCode }, select: { id: true, name: true, orgId: true } });
  if (!user) throw new DomainError("USER_NOT_FOUND", "link.userNotFound", { user: input.userCode });
  return deps.prisma.$transaction(async (tx) => {
    const revoked = await tx.webSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
    const unlinked = await tx.chatIdentity.updateMany({ where: { userId: user.id, channel: "WEB", status: { not: "UNLINKED" } }, data: { status: "UNLINKED" } });
    const pushes = await tx.webPushSubscription.deleteMany({ where: { userId: user.id } });
    await appendAuditEvent(tx, {
      type: "web.sessionsRevoked",
      at: now,
      orgId: user.orgId,
      actorUserId: input.revokedById ?? null,
      entityType: "User",
      entityId: user.id,
      data: { sessions: revoked.count, identityUnlinked: unlinked.count > 0, pushSubscriptions: pushes.count },
    });
    return { userId: user.id, userName: user.name, revoked: revoked.count };
  });
};
