// The checks every redemption of a link code goes through, whatever it is for (linking a chat,
// signing in to the web chat): the lock-out per chat (or per browser address), the code's validity,
// and the counting of wrong tries. One place, so both ways in are guarded the same.
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { Channel } from "../store/generated/enums.ts";
import { hashLinkCode } from "./link-code-format.ts";

/** Whose wrong tries are counted: a chat, or (web) a client address. */
export type ThrottleKey = { channel: Channel; chatId: string };

export type UsableLinkCode = { id: string; userId: string; user: { name: string; orgId: string } };

/** Refuses (and audits) while the chat or address is locked after too many wrong tries. */
export const assertNotLocked = async (deps: Pick<CoreDeps, "prisma">, key: ThrottleKey, now: Date, action: string): Promise<void> => {
  const throttle = await deps.prisma.linkThrottle.findUnique({ where: { channel_chatId: key } });
  if (!throttle?.lockedUntil || throttle.lockedUntil <= now) return;
  await deps.prisma.$transaction((tx) =>
    appendAuditEvent(tx, { type: "action.refused", at: now, entityType: "LinkThrottle", entityId: `${key.channel}:${key.chatId}`, data: { action, code: "LINK_LOCKED" } }),
  );
  throw new DomainError("LINK_LOCKED", "link.locked", { minutes: Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / 60_000) });
};

/**
 * The unused, unexpired code of an active user; otherwise counts a wrong try for `key` and refuses
 * with LINK_CODE_INVALID or LINK_CODE_EXPIRED. The caller still claims it (compare-and-set).
 */
export const findUsableLinkCode = async (deps: Pick<CoreDeps, "prisma" | "settings">, key: ThrottleKey, code: string, now: Date, action: string): Promise<UsableLinkCode> => {
  const found = await deps.prisma.linkCode.findUnique({
    where: { codeHash: hashLinkCode(code) },
    select: { id: true, userId: true, expiresAt: true, usedAt: true, user: { select: { name: true, orgId: true, active: true } } },
  });
  const failure = !found || found.usedAt !== null || !found.user.active ? "LINK_CODE_INVALID" : found.expiresAt <= now ? "LINK_CODE_EXPIRED" : null;
  if (failure || !found) throw await refuseLinkCode(deps, key, now, failure ?? "LINK_CODE_INVALID", action);
  return { id: found.id, userId: found.userId, user: { name: found.user.name, orgId: found.user.orgId } };
};

/** Counts a wrong try (in its own transaction: it must survive the refusal) and returns the refusal to throw. */
export const refuseLinkCode = async (
  deps: Pick<CoreDeps, "prisma" | "settings">,
  key: ThrottleKey,
  now: Date,
  code: "LINK_CODE_INVALID" | "LINK_CODE_EXPIRED",
  action: string,
): Promise<DomainError> => {
  const { linkMaxFailures, linkLockMinutes } = deps.settings;
  await deps.prisma.$transaction(async (tx) => {
    const windowStartFloor = new Date(now.getTime() - linkLockMinutes * 60_000);
    const current = await tx.linkThrottle.findUnique({ where: { channel_chatId: key } });
    // Tries older than the lock period are forgotten.
    const recent = current !== null && current.windowStart > windowStartFloor;
    const failures = recent ? current.failures + 1 : 1;
    const windowStart = recent ? current.windowStart : now;
    const lockedUntil = failures >= linkMaxFailures ? new Date(now.getTime() + linkLockMinutes * 60_000) : null;
    await tx.linkThrottle.upsert({ where: { channel_chatId: key }, create: { ...key, failures, windowStart, lockedUntil }, update: { failures, windowStart, lockedUntil } });
    const entityId = `${key.channel}:${key.chatId}`;
    await appendAuditEvent(tx, { type: "link.failed", at: now, entityType: "LinkThrottle", entityId, data: { code, failures, action } });
    if (lockedUntil) await appendAuditEvent(tx, { type: "link.locked", at: now, entityType: "LinkThrottle", entityId, data: { lockedUntil: lockedUntil.toISOString() } });
  });
  return new DomainError(code, code === "LINK_CODE_EXPIRED" ? "link.codeExpired" : "link.codeInvalid");
};
