// The web chat's Web Push subscriptions: one row per browser that pressed "Bật thông báo". The web
// sender (bots/web) sends each of a person's browsers a short notification when a message is
// delivered to their web history, and reports back how the push service answered. Bots reach the
// table only through these functions (they never touch Prisma).
import { z } from "zod";
import type { CoreDeps } from "../deps.ts";

type Deps = Pick<CoreDeps, "prisma" | "clock">;

/** Most browsers one person keeps subscribed; a new one beyond this replaces the oldest. */
export const MAX_WEB_PUSH_SUBSCRIPTIONS = 10;

/** A subscription is dropped after this many failed pushes in a row, once it has not worked for `STALE_MS`. */
const MAX_FAILURES = 20;
const STALE_MS = 7 * 24 * 3_600_000;

const base64urlOfLength = (bytes: number) =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/)
    .refine((s) => Buffer.from(s, "base64url").byteLength === bytes, { message: `must be ${bytes} bytes (base64url)` });

export const ZSaveWebPushSubscriptionInput = z.object({
  userId: z.string().min(1),
  /** The web session that subscribed: signing it out removes the subscription. */
  sessionId: z.string().min(1).optional(),
  /** The push service's URL for this browser (PushSubscription.endpoint); https only. */
  endpoint: z
    .string()
    .max(2048)
    .refine((s) => URL.canParse(s) && new URL(s).protocol === "https:", { message: "must be an https URL" }),
  /** The browser's P-256 public key, uncompressed (65 bytes, base64url). */
  p256dh: base64urlOfLength(65).refine((s) => Buffer.from(s, "base64url")[0] === 0x04, { message: "must be an uncompressed P-256 point" }),
  /** The browser's auth secret (16 bytes, base64url). */
  auth: base64urlOfLength(16),
});
export type SaveWebPushSubscriptionInput = z.infer<typeof ZSaveWebPushSubscriptionInput>;

/** What the web sender needs to push to one browser. */
export type WebPushTarget = { id: string; endpoint: string; p256dh: string; auth: string };

/**
 * Stores (or takes over) a browser's push subscription for a person. The endpoint is the key: a
 * browser that subscribed for someone else before (a shared computer) now notifies only this person.
 * A person keeps at most `MAX_WEB_PUSH_SUBSCRIPTIONS` browsers (the oldest go).
 *
 * @throws ZodError when the subscription is malformed (the adapter answers 400)
 * @example await saveWebPushSubscription(deps, { userId, sessionId, endpoint, p256dh, auth });
 */
export const saveWebPushSubscription = async (deps: Deps, raw: SaveWebPushSubscriptionInput): Promise<{ id: string }> => {
  const input = ZSaveWebPushSubscriptionInput.parse(raw);
  const now = deps.clock.now();
  const keys = { userId: input.userId, sessionId: input.sessionId ?? null, p256dh: input.p256dh, auth: input.auth };
  const row = await deps.prisma.webPushSubscription.upsert({
    where: { endpoint: input.endpoint },
    create: { ...keys, endpoint: input.endpoint, createdAt: now },
    update: { ...keys, failures: 0 },
    select: { id: true },
  });
  const surplus = await deps.prisma.webPushSubscription.findMany({
    where: { userId: input.userId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    skip: MAX_WEB_PUSH_SUBSCRIPTIONS,
    select: { id: true },
  });
  if (surplus.length > 0) await deps.prisma.webPushSubscription.deleteMany({ where: { id: { in: surplus.map((s) => s.id) }, NOT: { id: row.id } } });
  return row;
};

/**
 * Removes a browser's subscription of this person (the page turned notifications off). Removing one
 * that is not there is harmless.
 *
 * @example await removeWebPushSubscription(deps, { userId, endpoint });
 */
export const removeWebPushSubscription = async (deps: Deps, { userId, endpoint }: { userId: string; endpoint: string }): Promise<{ removed: number }> => {
  const r = await deps.prisma.webPushSubscription.deleteMany({ where: { userId, endpoint } });
  return { removed: r.count };
};

/** The browsers to notify for a person, oldest first. */
export const listWebPushSubscriptions = async (deps: Deps, { userId }: { userId: string }): Promise<WebPushTarget[]> =>
  deps.prisma.webPushSubscription.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, endpoint: true, p256dh: true, auth: true } });

/**
 * How one push went: `sent` (the push service accepted it), `gone` (404/410: the browser dropped the
 * subscription, so the row is deleted) or `failed` (counted; after many failures in a row over a
 * week the row is deleted too).
 */
export const recordWebPushOutcome = async (deps: Deps, { id, outcome }: { id: string; outcome: "sent" | "gone" | "failed" }): Promise<void> => {
  const now = deps.clock.now();
  if (outcome === "sent") {
    await deps.prisma.webPushSubscription.updateMany({ where: { id }, data: { lastSuccessAt: now, failures: 0 } });
    return;
  }
  if (outcome === "gone") {
    await deps.prisma.webPushSubscription.deleteMany({ where: { id } });
    return;
  }
  await deps.prisma.webPushSubscription.updateMany({ where: { id }, data: { failures: { increment: 1 } } });
  const staleBefore = new Date(now.getTime() - STALE_MS);
  await deps.prisma.webPushSubscription.deleteMany({
    where: { id, failures: { gte: MAX_FAILURES }, OR: [{ lastSuccessAt: { lt: staleBefore } }, { lastSuccessAt: null, createdAt: { lt: staleBefore } }] },
  });
};
