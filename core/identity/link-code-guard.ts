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
//
// Besides the caller's keys (a chat; a browser and its address), every try is charged last to one
// service-wide key: the budget of wrong tries of the whole service per window
// (`settings.linkServiceMaxFailures` per `settings.linkServiceWindowMinutes`). Without it an attacker
// who opens new chats or browsers gets five fresh guesses each time, so guessing is unbounded. A right
// code gives its try back to the budget (it never resets other people's wrong tries). When the budget
// is spent, every redemption is refused until the window ends; the lock is taken by one
// compare-and-set, so it is audited once and the office (MONITOR users) is told once per window.
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps, CoreSettings } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import type { Channel } from "../channels.ts";
import type { Tx } from "../store/tx.ts";
import { hashLinkCode } from "./link-code-format.ts";

/** Whose tries are counted: a chat, a browser, or (web) a client address. */
export type ThrottleKey = { channel: Channel; chatId: string };

/**
 * One counter a try is charged to, with its own ceiling per lock period. On success the counter is
 * reset (`reset`: a chat, a browser) or only given its try back (`release`: a shared address, whose
 * other people's wrong tries still count).
 */
export type ThrottleRule = {
  key: ThrottleKey;
  maxTries: number;
  onSuccess: "reset" | "release";
  /** The key's window, and how long it stays locked, in minutes. @defaultValue settings.linkLockMinutes */
  windowMinutes?: number;
  /** The service-wide budget: its lock refuses everyone, is audited once and announced to the office. */
  scope?: "service";
};

/** A try charged to a rule: `tries` is its number within the rule's current window. */
export type LinkTry = ThrottleRule & { tries: number };

export type UsableLinkCode = { id: string; userId: string; user: { name: string; orgId: string } };

const entityIdOf = (key: ThrottleKey): string => `${key.channel}:${key.chatId}`;
const ts = (d: Date): string => d.toISOString();

/**
 * The service-wide budget's key. The table is keyed by channel; it is stored as a WEB key, whose other
 * keys are `ip:…` and `browser:…` (core/sessions/session-token.ts), so nothing else can count on it.
 */
export const SERVICE_THROTTLE_KEY: ThrottleKey = { channel: "WEB", chatId: "service:link-codes" };

/** The rule `chargeLinkTry` adds after the caller's: every try counts against the service's budget. */
export const serviceThrottleRule = (settings: CoreSettings): ThrottleRule => ({
  key: SERVICE_THROTTLE_KEY,
  maxTries: settings.linkServiceMaxFailures,
  onSuccess: "release",
  windowMinutes: settings.linkServiceWindowMinutes,
  scope: "service",
});

const lockMsOf = (rule: ThrottleRule, settings: CoreSettings): number => (rule.windowMinutes ?? settings.linkLockMinutes) * 60_000;

/**
 * Locks the service budget's key until `until` unless it is locked already (compare-and-set: of many
 * tries finding the budget spent at once, one takes the lock), and for that one audits the lock and
 * tells every active MONITOR user, in the same transaction. Returns whether this call took the lock.
 */
const lockServiceBudget = async (tx: Tx, t: LinkTry, now: Date, until: Date, action: string): Promise<boolean> => {
  const taken = await tx.linkThrottle.updateMany({
    where: { channel: t.key.channel, chatId: t.key.chatId, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { lockedUntil: until },
  });
  if (taken.count === 0) return false;
  const windowMinutes = Math.round((until.getTime() - now.getTime()) / 60_000);
  await appendAuditEvent(tx, {
    type: "link.locked",
    at: now,
    entityType: "LinkThrottle",
    entityId: entityIdOf(t.key),
    data: { scope: "service", lockedUntil: until.toISOString(), tries: t.tries, maxTries: t.maxTries, windowMinutes, action },
  });
  const monitors = await tx.user.findMany({ where: { active: true, roles: { has: "MONITOR" } }, select: { id: true } });
  await enqueueOutbox(
    tx,
    now,
    monitors.map((m) => ({
      userId: m.id,
      kind: "office.linkCodesLocked" as const,
      payload: { lockedUntil: until.toISOString(), maxTries: t.maxTries, windowMinutes },
      dedupeKey: `office.linkCodesLocked:${until.toISOString()}:${m.id}`,
      urgency: "URGENT" as const,
    })),
  );
  return true;
};

/**
 * Charges one try to each rule in order, then to the service's budget (`serviceThrottleRule`), each in
 * one atomic statement, and refuses it with LINK_LOCKED at the first key that is locked or already has
 * `maxTries` tries in its window (evaluated or still in flight); the keys after it are not charged. A
 * refusal by a caller's key is audited; one by the service budget is audited once per window, when it
 * locks. Returns the charged tries, which the caller hands to `findUsableLinkCode`, `refuseLinkCode`
 * and, on success, `settleLinkTries`.
 */
export const chargeLinkTry = async (deps: Pick<CoreDeps, "prisma" | "settings">, callerRules: ThrottleRule[], now: Date, action: string): Promise<LinkTry[]> => {
  const rules = [...callerRules, serviceThrottleRule(deps.settings)];
  const charged: LinkTry[] = [];
  let lockedUntil: number | null = null;
  let lockStored = false;
  let refused: LinkTry | null = null;
  for (const rule of rules) {
    const windowFloor = new Date(now.getTime() - lockMsOf(rule, deps.settings));
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
    const t: LinkTry = { ...rule, tries: Number(row.tries) };
    charged.push(t);
    if (row.lockedUntilMs !== null && Number(row.lockedUntilMs) > now.getTime()) {
      lockedUntil = Number(row.lockedUntilMs);
      lockStored = true;
    }
    // More tries than allowed are in flight: the last allowed one decides whether the key locks.
    else if (t.tries > rule.maxTries) lockedUntil = now.getTime() + lockMsOf(rule, deps.settings);
    if (lockedUntil !== null) {
      // Refused here: the later keys are not charged (a locked browser does not use up its address's tries).
      refused = t;
      break;
    }
  }
  if (refused && lockedUntil !== null) {
    const minutes = Math.ceil((lockedUntil - now.getTime()) / 60_000);
    if (refused.scope === "service") {
      // The budget is spent: the first try to find it so locks it (and is audited, and the office told);
      // the tries after it, while it is locked, are refused without a record each.
      const until = new Date(lockedUntil);
      const t = refused;
      if (!lockStored) await deps.prisma.$transaction((tx) => lockServiceBudget(tx, t, now, until, action));
      throw new DomainError("LINK_LOCKED", "link.serviceLocked", { minutes });
    }
    const refusedKey = refused.key;
    await deps.prisma.$transaction((tx) =>
      appendAuditEvent(tx, { type: "action.refused", at: now, entityType: "LinkThrottle", entityId: entityIdOf(refusedKey), data: { action, code: "LINK_LOCKED" } }),
    );
    throw new DomainError("LINK_LOCKED", "link.locked", { minutes });
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
 * ceiling this try reached (the service budget only if it is not locked already), and returns the
 * refusal to throw. The try was counted by `chargeLinkTry`.
 */
export const refuseLinkCode = async (
  deps: Pick<CoreDeps, "prisma" | "settings">,
  tries: LinkTry[],
  now: Date,
  code: "LINK_CODE_INVALID" | "LINK_CODE_EXPIRED",
  action: string,
): Promise<DomainError> => {
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
      const lockedUntil = new Date(now.getTime() + lockMsOf(t, deps.settings));
      if (t.scope === "service") {
        await lockServiceBudget(tx, t, now, lockedUntil, action);
        continue;
      }
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
