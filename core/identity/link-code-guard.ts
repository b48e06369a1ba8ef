// The checks every redemption of a link code goes through, whatever it is for (linking a chat,
// signing in to the web chat): the lock-out, the code's validity, and the counting of wrong tries.
// One place, so both ways in are guarded the same.
//
// Tries are counted *before* a code is looked at, in one atomic statement per throttle key (an
// INSERT … ON CONFLICT DO UPDATE … RETURNING): the n-th try of a window gets the number n, and only
// tries numbered up to the key's ceiling are evaluated. So 49 tries sent at once from one chat are
// numbered 1…49 by the database; 5 are evaluated and 44 refused as locked. (Reading the counter and
// writing it back in two steps let every one of them through: the writes overwrote each other.)
// A right code resets a chat's count; a wrong one that reaches the ceiling locks the key.
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { Channel } from "../store/generated/enums.ts";
import type { Tx } from "../store/tx.ts";
import { hashLinkCode } from "./link-code-format.ts";

/** Whose tries are counted: a chat, a browser, or (web) a client address. */
export type ThrottleKey = { channel: Channel; chatId: string };

/**
 * One counter a try is charged to, with its own ceiling per lock period. On success the counter is
 * reset (`reset`: a chat, a browser) or only given its try back (`release`: a shared address, whose
 * other people's wrong tries still count).
 */
export type ThrottleRule = { key: ThrottleKey; maxTries: number; onSuccess: "reset" | "release" };

/** A try charged to a rule: `tries` is its number within the rule's current window. */
export type LinkTry = ThrottleRule & { tries: number };

export type UsableLinkCode = { id: string; userId: string; user: { name: string; orgId: string } };

const entityIdOf = (key: ThrottleKey): string => `${key.channel}:${key.chatId}`;
const ts = (d: Date): string => d.toISOString();

/**
 * Charges one try to each rule in order (each in one atomic statement) and refuses it, audited, with
 * LINK_LOCKED at the first key that is locked or already has `maxTries` tries in this window
 * (evaluated or still in flight); the keys after it are not charged. Returns the charged tries,
 * which the caller hands to `findUsableLinkCode`, `refuseLinkCode` and, on success, `settleLinkTries`.
 */
export const chargeLinkTry = async (deps: Pick<CoreDeps, "prisma" | "settings">, rules: ThrottleRule[], now: Date, action: string): Promise<LinkTry[]> => {
  const windowFloor = new Date(now.getTime() - deps.settings.linkLockMinutes * 60_000);
  const charged: LinkTry[] = [];
  let lockedUntil: number | null = null;
  let refusedKey: ThrottleKey | null = null;
  for (const rule of rules) {
    // While locked, or within the window, the try is added; otherwise a new window starts with it.
    const rows = await deps.prisma.$queryRawUnsafe<{ tries: number; lockedUntilMs: number | null }[]>(
      `INSERT INTO "LinkThrottle" ("channel", "chatId", "failures", "windowStart", "lockedUntil")
       VALUES ($1::"Channel", $2, 1, $3::timestamp(3), NULL)
       ON CONFLICT ("channel", "chatId") DO UPDATE SET
         "failures" = CASE WHEN "LinkThrottle"."lockedUntil" > $3::timestamp(3) OR "LinkThrottle"."windowStart" > $4::timestamp(3)
                           THEN "LinkThrottle"."failures" + 1 ELSE 1 END,
         "windowStart" = CASE WHEN "LinkThrottle"."lockedUntil" > $3::timestamp(3) OR "LinkThrottle"."windowStart" > $4::timestamp(3)
                              THEN "LinkThrottle"."windowStart" ELSE $3::timestamp(3) END,
         "lockedUntil" = CASE WHEN "LinkThrottle"."lockedUntil" > $3::timestamp(3) THEN "LinkThrottle"."lockedUntil" ELSE NULL END
       RETURNING "failures" AS "tries", (EXTRACT(EPOCH FROM "lockedUntil") * 1000)::float8 AS "lockedUntilMs"`,
      rule.key.channel,
      rule.key.chatId,
      ts(now),
      ts(windowFloor),
    );
    const row = rows[0];
    if (!row) throw new Error("LinkThrottle upsert returned no row");
    charged.push({ ...rule, tries: Number(row.tries) });
    if (row.lockedUntilMs !== null && Number(row.lockedUntilMs) > now.getTime()) lockedUntil = Number(row.lockedUntilMs);
    // More tries than allowed are in flight: the last allowed one decides whether the key locks.
    else if (Number(row.tries) > rule.maxTries) lockedUntil = now.getTime() + deps.settings.linkLockMinutes * 60_000;
    if (lockedUntil !== null) {
      // Refused here: the later keys are not charged (a locked browser does not use up its address's tries).
      refusedKey = rule.key;
      break;
    }
  }
  if (refusedKey && lockedUntil !== null) {
    await deps.prisma.$transaction((tx) =>
      appendAuditEvent(tx, { type: "action.refused", at: now, entityType: "LinkThrottle", entityId: entityIdOf(refusedKey), data: { action, code: "LINK_LOCKED" } }),
    );
    throw new DomainError("LINK_LOCKED", "link.locked", { minutes: Math.ceil((lockedUntil - now.getTime()) / 60_000) });
  }
  return charged;
};

/**
 * The unused, unexpired code of an active user; otherwise records the wrong try and refuses with
 * LINK_CODE_INVALID or LINK_CODE_EXPIRED. The caller still claims it (compare-and-set).
 */
export const findUsableLinkCode = async (deps: Pick<CoreDeps, "prisma" | "settings">, tries: LinkTry[], code: string, now: Date, action: string): Promise<UsableLinkCode> => {
  const found = await deps.prisma.linkCode.findUnique({
    where: { codeHash: hashLinkCode(code) },
    select: { id: true, userId: true, expiresAt: true, usedAt: true, user: { select: { name: true, orgId: true, active: true } } },
  });
  const failure = !found || found.usedAt !== null || !found.user.active ? "LINK_CODE_INVALID" : found.expiresAt <= now ? "LINK_CODE_EXPIRED" : null;
  if (failure || !found) throw await refuseLinkCode(deps, tries, now, failure ?? "LINK_CODE_INVALID", action);
  return { id: found.id, userId: found.userId, user: { name: found.user.name, orgId: found.user.orgId } };
};

/**
 * Records a wrong try (in its own transaction: it must survive the refusal), locks every key whose
 * ceiling this try reached, and returns the refusal to throw. The try was counted by `chargeLinkTry`.
 */
export const refuseLinkCode = async (
  deps: Pick<CoreDeps, "prisma" | "settings">,
  tries: LinkTry[],
  now: Date,
  code: "LINK_CODE_INVALID" | "LINK_CODE_EXPIRED",
  action: string,
): Promise<DomainError> => {
  const lockedUntil = new Date(now.getTime() + deps.settings.linkLockMinutes * 60_000);
  await deps.prisma.$transaction(async (tx) => {
    const [first, ...others] = tries;
    if (!first) return;
    // One audit event per wrong try, on the first key (the chat or browser); other keys' counts in its data.
    await appendAuditEvent(tx, {
      type: "link.failed",
      at: now,
      entityType: "LinkThrottle",
      entityId: entityIdOf(first.key),
      data: { code, failures: first.tries, action, ...(others.length ? { also: Object.fromEntries(others.map((o) => [entityIdOf(o.key), o.tries])) } : {}) },
    });
    for (const t of tries) {
      if (t.tries < t.maxTries) continue;
      await tx.linkThrottle.updateMany({ where: { channel: t.key.channel, chatId: t.key.chatId }, data: { lockedUntil } });
      await appendAuditEvent(tx, { type: "link.locked", at: now, entityType: "LinkThrottle", entityId: entityIdOf(t.key), data: { lockedUntil: lockedUntil.toISOString() } });
    }
  });
  return new DomainError(code, code === "LINK_CODE_EXPIRED" ? "link.codeExpired" : "link.codeInvalid");
};

/** After a right code (inside its transaction): resets a chat's or browser's count, gives a shared address its try back. */
export const settleLinkTries = async (tx: Tx, tries: LinkTry[]): Promise<void> => {
  for (const t of tries) {
    if (t.onSuccess === "reset") await tx.linkThrottle.deleteMany({ where: { channel: t.key.channel, chatId: t.key.chatId } });
    else await tx.linkThrottle.updateMany({ where: { channel: t.key.channel, chatId: t.key.chatId, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
  }
};
