// Delivers one outbox row: claim it, pick the person's chat identity, render, send, record.
//
// Guarantees
// - Never twice while workers live: the row is claimed with a compare-and-set (PENDING and due, or
//   SENDING whose claim expired → SENDING with a fresh claim token). Of two workers racing for the
//   same row exactly one wins; the other gets `not_claimable` and sends nothing. Every later write
//   is guarded by the claim token, so a worker whose claim was taken over cannot overwrite the
//   new owner's outcome.
// - Crash safety, at most one duplicate: a worker that dies after the platform accepted the message
//   but before it recorded SENT leaves the row SENDING; once `lockedUntil` passes another worker
//   claims it and sends again. The person may then get the message twice, never more often and never
//   not at all. Sends are bounded by `sendTimeoutMs`, which stays well under `claimMs`, so a slow
//   platform alone does not cause the duplicate.
//
// Who gets it where: the person's ACTIVE linked chats on configured channels, most recently seen
// first; then, as the last resort, their inbox on a channel that keeps messages for everyone
// (`Sender.inbox`: the web chat), unless they have an ACTIVE identity there (tried in its turn). So
// a person who has not signed in yet loses nothing: the message waits in their web chat. The first
// that accepts the message ends the delivery: nothing is sent twice.
//
// Outcomes (what the job layer does with them)
// - sent: recorded SENT with channel, identity (null for an inbox), platform message id and sentAt,
//   in one guarded update. Kept in an inbox because the person's linked chats refused it (403, now or
//   before), the office is told as well (`inbox.officeNotified`): the person may not look there soon;
// - rate_limited (429): the claim is released (PENDING, nextAttemptAt = now + retryAfter) WITHOUT
//   spending an attempt; the caller should pause the platform's queue for `retryAfterMs`;
// - retry (transient: network, timeout, 5xx, no sender configured and no inbox): attempts + 1 and PENDING with
//   exponential backoff; after `maxAttempts` the row FAILS and the office is told;
// - blocked (403) is handled here: the identity is marked UNREACHABLE (audited) and the person's
//   next ACTIVE identity (or the inbox) is tried at once; when none is left (or the person never
//   linked one and no inbox is configured) the row FAILS and every other active MONITOR user of the
//   organisation gets an `office.unreachable` row (`officeNotified` says how many were written);
// - failed (permanent, 400): FAILED and the office is told;
// - deferred: an older row of the same person is due or being sent: the claim is released (PENDING,
//   no attempt spent) so that every chat and inbox keeps the order in which events happened;
// - cancelled: the subject vanished or became moot (see render-outbox-message.ts) or the person is
//   inactive: the row is CANCELLED and nothing is sent.
import { randomUUID } from "node:crypto";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import type { OutboundMessage, SendResult, Sender, SendTarget } from "../ports/sender.ts";
import { SendError } from "../ports/sender.ts";
import type { Channel } from "../store/generated/enums.ts";
import type { Tx } from "../store/tx.ts";
import { enqueueOutbox, type OutboxIntent } from "./enqueue-outbox.ts";
import { renderOutboxMessage } from "./render-outbox-message.ts";

// === Public API

/** Timing of delivery. */
export type DeliveryPolicy = {
  /** How long a claim holds; after it a crashed worker's row is claimable again. @defaultValue 120000 */
  claimMs: number;
  /** Longest wait for one platform call; a timeout counts as transient. Keep it well under claimMs. @defaultValue 30000 */
  sendTimeoutMs: number;
  /** Transient failures before the row fails and the office is told. @defaultValue 8 */
  maxAttempts: number;
  /** First retry delay; doubled on each further attempt. @defaultValue 30000 */
  backoffBaseMs: number;
  /** Longest retry delay. @defaultValue 3600000 */
  backoffMaxMs: number;
};

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  claimMs: 120_000,
  sendTimeoutMs: 30_000,
  maxAttempts: 8,
  backoffBaseMs: 30_000,
  backoffMaxMs: 3_600_000,
};

export type DeliverOutboxInput = {
  outboxId: string;
  /** The configured channel senders; an identity on a channel without a sender is not used. */
  senders: Partial<Record<Channel, Sender>>;
  /** Names the worker in `lockedBy` (logs, debugging): host/pid/queue worker. */
  workerId: string;
  policy?: Partial<DeliveryPolicy>;
};

export type DeliverOutcome =
  | {
      outcome: "sent";
      channel: Channel;
      /** null: kept in the person's inbox (no linked identity). */
      identityId: string | null;
      platformMessageId: string;
      /** false: our claim expired before we recorded it. */
      recorded: boolean;
      /** Present when the message was kept in the person's inbox; `officeNotified` > 0 when their linked chats had refused it. */
      inbox?: { officeNotified: number };
    }
  | { outcome: "not_claimable" }
  /** An older row of the person's is still on its way to their inbox: this one goes after it (next sweep). */
  | { outcome: "deferred"; afterOutboxId: string }
  | { outcome: "cancelled"; reason: string }
  | { outcome: "rate_limited"; channel: Channel; retryAfterMs: number }
  | { outcome: "retry"; attempts: number; nextAttemptAt: Date; error: string }
  | {
      outcome: "failed";
      reason: "unreachable" | "permanent" | "attempts_exhausted";
      error: string;
      /** `office.unreachable` rows written: 0 when no other active MONITOR user exists, or the row was itself one. */
      officeNotified: number;
      kind: string;
    };

/** The delay before attempt `attempts + 1`, after `attempts` transient failures (1 → base, 2 → 2·base, …, capped). */
export const retryDelayMs = (attempts: number, policy: Pick<DeliveryPolicy, "backoffBaseMs" | "backoffMaxMs"> = DEFAULT_DELIVERY_POLICY): number =>
  Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1));

/**
 * Delivers one outbox row (see the file header for the guarantees and outcomes).
 *
 * @example
 * const r = await deliverOutboxMessage(deps, { outboxId, senders: { TELEGRAM: telegramSender }, workerId: "jobs-1" });
 * if (r.outcome === "rate_limited") pauseQueue(r.retryAfterMs);
 */
export const deliverOutboxMessage = async (deps: CoreDeps, input: DeliverOutboxInput): Promise<DeliverOutcome> => {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...input.policy };
  const { prisma } = deps;
  const claimedAt = deps.clock.now();
  const token = `${input.workerId}#${randomUUID().slice(0, 8)}`;

  // Compare-and-set claim. On PostgreSQL the second of two concurrent UPDATEs re-checks the WHERE
  // after the first commits and matches nothing; so exactly one worker owns the row.
  const claim = await prisma.outboxMessage.updateMany({
    where: {
      id: input.outboxId,
      OR: [
        { status: "PENDING", nextAttemptAt: { lte: claimedAt } },
        { status: "SENDING", lockedUntil: { lt: claimedAt } },
      ],
    },
    data: { status: "SENDING", lockedBy: token, lockedUntil: new Date(claimedAt.getTime() + policy.claimMs) },
  });
  if (claim.count === 0) return { outcome: "not_claimable" };

  const guard = { id: input.outboxId, status: "SENDING" as const, lockedBy: token };
  const row = await prisma.outboxMessage.findUniqueOrThrow({
    where: { id: input.outboxId },
    select: { id: true, userId: true, kind: true, payload: true, attempts: true, urgency: true, createdAt: true, seq: true },
  });
  const user = await prisma.user.findUnique({ where: { id: row.userId }, select: { id: true, orgId: true, active: true, locale: true } });

  const cancel = async (reason: string): Promise<DeliverOutcome> => {
    await prisma.outboxMessage.updateMany({ where: guard, data: { status: "CANCELLED", lastError: reason, lockedBy: null, lockedUntil: null } });
    return { outcome: "cancelled", reason };
  };
  if (!user || !user.active) return cancel(user ? "recipient inactive" : "recipient not found");

  const locale = user.locale === "en" ? "en" : "vi";
  const rendered = await renderOutboxMessage(deps, { kind: row.kind, payload: row.payload, userId: user.id, locale });
  if (!rendered.ok) return cancel(rendered.reason);

  const fail = async (reason: "unreachable" | "permanent" | "attempts_exhausted", error: string): Promise<DeliverOutcome> => {
    const now = deps.clock.now();
    const officeNotified = await prisma.$transaction(async (tx) => {
      const done = await tx.outboxMessage.updateMany({ where: guard, data: { status: "FAILED", lastError: error, lockedBy: null, lockedUntil: null } });
      if (done.count === 0) return 0;
      await appendAuditEvent(tx, {
        type: "outbox.failed",
        at: now,
        orgId: user.orgId,
        entityType: "OutboxMessage",
        entityId: row.id,
        data: { kind: row.kind, userId: user.id, reason, error },
      });
      return notifyOffice(tx, now, { orgId: user.orgId, personId: user.id, outboxId: row.id, kind: row.kind, urgency: row.urgency });
    });
    return { outcome: "failed", reason, error, officeNotified, kind: row.kind };
  };

  const retry = async (error: string): Promise<DeliverOutcome> => {
    const attempts = row.attempts + 1;
    if (attempts >= policy.maxAttempts) {
      await prisma.outboxMessage.updateMany({ where: guard, data: { attempts } });
      return fail("attempts_exhausted", error);
    }
    const nextAttemptAt = new Date(deps.clock.now().getTime() + retryDelayMs(attempts, policy));
    await prisma.outboxMessage.updateMany({ where: guard, data: { status: "PENDING", attempts, nextAttemptAt, lastError: error, lockedBy: null, lockedUntil: null } });
    return { outcome: "retry", attempts, nextAttemptAt, error };
  };

  // Most recently seen first; identities never seen by the order they were linked (newest first).
  // UNREACHABLE ones are not tried; they say that the person's chats refused before.
  const identities = await prisma.chatIdentity.findMany({
    where: { userId: user.id, status: { in: ["ACTIVE", "UNREACHABLE"] } },
    orderBy: [{ lastSeenAt: { sort: "desc", nulls: "last" } }, { linkedAt: "desc" }],
    select: { id: true, channel: true, chatId: true, status: true },
  });
  const active = identities.filter((i) => i.status === "ACTIVE");
  const targets: Array<Pick<SendTarget, "identityId" | "channel" | "chatId">> = active
    .filter((i) => input.senders[i.channel] !== undefined)
    .map((i) => ({ identityId: i.id, channel: i.channel, chatId: i.chatId }));
  // The last resort: the person's inbox, unless an ACTIVE identity on that channel is tried above.
  const inbox = Object.values(input.senders).find((s) => s?.inbox === true && !active.some((i) => i.channel === s.channel));
  if (inbox) targets.push({ identityId: null, channel: inbox.channel, chatId: user.id });
  if (targets.length === 0) {
    if (active.length === 0) return fail("unreachable", "no active chat identity");
    return retry(`no sender configured for ${[...new Set(active.map((i) => i.channel))].join(", ")}`);
  }
  let refused = identities.some((i) => i.status === "UNREACHABLE");

  // A person reads messages in the order they were written (an inbox, a chat alike), however many
  // are due at once (they are delivered in parallel): a newer row waits while an older one of the
  // person's is due or being sent. `seq` orders rows written in the same instant. Released without
  // spending an attempt; the next sweep hands it over again.
  const older = await prisma.outboxMessage.findFirst({
    where: { userId: user.id, seq: { lt: row.seq }, OR: [{ status: "PENDING", nextAttemptAt: { lte: claimedAt } }, { status: "SENDING" }] },
    select: { id: true },
  });
  if (older) {
    await prisma.outboxMessage.updateMany({ where: guard, data: { status: "PENDING", lockedBy: null, lockedUntil: null } });
    return { outcome: "deferred", afterOutboxId: older.id };
  }

  for (const to of targets) {
    const sender = input.senders[to.channel] as Sender;
    const target: SendTarget = { ...to, userId: user.id, locale };
    let result: SendResult;
    try {
      result = await sendWithTimeout(sender, target, rendered.message, policy.sendTimeoutMs);
    } catch (err) {
      const error = err instanceof SendError ? err : new SendError("transient", err instanceof Error ? err.message : String(err), undefined, { cause: err });
      if (error.kind === "rate_limited") {
        const retryAfterMs = Math.max(1, error.retryAfterMs ?? 1_000);
        await prisma.outboxMessage.updateMany({
          where: guard,
          data: {
            status: "PENDING",
            nextAttemptAt: new Date(deps.clock.now().getTime() + retryAfterMs),
            lastError: `rate limited on ${to.channel}`,
            lockedBy: null,
            lockedUntil: null,
          },
        });
        return { outcome: "rate_limited", channel: to.channel, retryAfterMs };
      }
      if (error.kind === "blocked") {
        if (to.identityId !== null) {
          await markUnreachable(deps, { identityId: to.identityId, orgId: user.orgId, userId: user.id, channel: to.channel, outboxId: row.id, error: error.message });
          refused = true;
        }
        continue; // the next identity, at once
      }
      if (error.kind === "permanent") return fail("permanent", `${to.channel}: ${error.message}`);
      return retry(`${to.channel}: ${error.message}`);
    }
    const now = deps.clock.now();
    const data = {
      status: "SENT" as const,
      channel: to.channel,
      identityId: to.identityId,
      platformMessageId: result.platformMessageId,
      sentAt: now,
      lastError: null,
      lockedBy: null,
      lockedUntil: null,
    };
    const sent = { outcome: "sent" as const, channel: to.channel, identityId: to.identityId, platformMessageId: result.platformMessageId };
    if (to.identityId !== null) {
      const done = await prisma.outboxMessage.updateMany({ where: guard, data });
      return { ...sent, recorded: done.count === 1 };
    }
    // Kept in the inbox. When the person's linked chats refused it, the office is told in the same
    // transaction (the person may not open the inbox soon); only by the worker that records it.
    const kept = await prisma.$transaction(async (tx) => {
      const done = await tx.outboxMessage.updateMany({ where: guard, data });
      if (done.count === 0) return { recorded: false, officeNotified: 0 };
      const officeNotified = refused ? await notifyOffice(tx, now, { orgId: user.orgId, personId: user.id, outboxId: row.id, kind: row.kind, urgency: row.urgency }) : 0;
      return { recorded: true, officeNotified };
    });
    return { ...sent, recorded: kept.recorded, inbox: { officeNotified: kept.officeNotified } };
  }
  return fail("unreachable", "every chat identity refused delivery");
};

// === Helpers

/**
 * Sends with a deadline. At the deadline the send's signal is aborted, so the sender starts nothing
 * more for this message (no retry in place, no further part): the row is retried later by the sweep
 * and the abandoned attempt cannot arrive after it.
 */
const sendWithTimeout = (sender: Sender, target: SendTarget, message: OutboundMessage, timeoutMs: number): Promise<SendResult> =>
  new Promise<SendResult>((resolve, reject) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const error = new SendError("transient", `send timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    sender.send(target, message, { signal: controller.signal }).then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });

const markUnreachable = async (deps: CoreDeps, input: { identityId: string; orgId: string; userId: string; channel: Channel; outboxId: string; error: string }): Promise<void> => {
  const now = deps.clock.now();
  await deps.prisma.$transaction(async (tx) => {
    const changed = await tx.chatIdentity.updateMany({ where: { id: input.identityId, status: "ACTIVE" }, data: { status: "UNREACHABLE", unreachableAt: now } });
    if (changed.count === 0) return;
    await appendAuditEvent(tx, {
      type: "identity.unreachable",
      at: now,
      orgId: input.orgId,
      entityType: "ChatIdentity",
      entityId: input.identityId,
      data: { userId: input.userId, channel: input.channel, outboxId: input.outboxId, error: input.error },
    });
  });
};

/**
 * Tells every active MONITOR user of the organisation (but the person themself) that a message
 * could not be delivered. One row per failed row and monitor (dedupe key). A failed
 * `office.unreachable` row tells nobody, so an unreachable office cannot loop.
 */
const notifyOffice = async (tx: Tx, now: Date, input: { orgId: string; personId: string; outboxId: string; kind: string; urgency: OutboxIntent["urgency"] }): Promise<number> => {
  if (input.kind === "office.unreachable") return 0;
  const monitors = await tx.user.findMany({ where: { orgId: input.orgId, active: true, roles: { has: "MONITOR" }, id: { not: input.personId } }, select: { id: true } });
  return enqueueOutbox(
    tx,
    now,
    monitors.map((m) => ({
      userId: m.id,
      kind: "office.unreachable" as const,
      payload: { userId: input.personId, outboxId: input.outboxId },
      dedupeKey: `office.unreachable:${input.outboxId}:${m.id}`,
      ...(input.urgency ? { urgency: input.urgency } : {}),
    })),
  );
};
