import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { chargeLinkTry, findUsableLinkCode, refuseLinkCode, settleLinkTries, type ThrottleRule } from "../identity/link-code-guard.ts";
import { DEFAULT_WEB_SESSION_POLICY, generateSessionToken, hashSessionToken, signInBrowserKey, signInThrottleKey, type WebSessionPolicy } from "./session-token.ts";

export const ZSignInWithCodeInput = z.object({
  /** The one-time code from `edoc user link-code USER` (or `edoc demo`), e.g. `ABCD-2345`. */
  code: z.string().max(64),
  /** The browser's address: all its browsers' tries together have a higher ceiling (an office behind one NAT). */
  clientIp: z.string().min(1).max(64),
  /**
   * The browser's own random id (a cookie of the sign-in page): its wrong tries are counted and locked
   * out on their own. Without it, the address alone is counted with the strict per-chat ceiling.
   */
  browserId: z.string().min(16).max(64).optional(),
  userAgent: z.string().max(512).optional(),
});
export type SignInWithCodeInput = z.infer<typeof ZSignInWithCodeInput>;

export type SignInWithCodeResult = {
  sessionId: string;
  /** The session token for the cookie; returned once, stored only as a hash. */
  token: string;
  userId: string;
  userName: string;
  expiresAt: Date;
};

/**
 * Signs a person in to the web chat with a one-time link code: redeems the code (single-use: a
 * code used here cannot link a chat, and the other way round), makes sure the person has a WEB
 * chat identity (externalUserId = chatId = the user id) so the outbox can deliver to the browser,
 * and opens a session. Tries are counted per browser with the same lock-out as chat linking
 * (`settings.linkMaxFailures` wrong tries, then `settings.linkLockMinutes` locked), and per client
 * address with `settings.linkMaxFailuresPerAddress` (so five typos behind an office's NAT lock one
 * browser, not the office). Every sign-in and every failed try is audited.
 *
 * @throws DomainError LINK_LOCKED | LINK_CODE_INVALID | LINK_CODE_EXPIRED | VALIDATION
 * @example const s = await signInWithCode(deps, { code: "ABCD-2345", clientIp: "10.0.0.7" }); // → { token, … }
 */
export const signInWithCode = async (deps: CoreDeps, raw: SignInWithCodeInput, policy: WebSessionPolicy = DEFAULT_WEB_SESSION_POLICY): Promise<SignInWithCodeResult> => {
  const input = ZSignInWithCodeInput.parse(raw);
  const now = deps.clock.now();
  const { prisma } = deps;
  const address = { channel: "WEB" as const, chatId: signInThrottleKey(input.clientIp) };
  const rules: ThrottleRule[] = input.browserId
    ? [
        { key: { channel: "WEB", chatId: signInBrowserKey(input.browserId) }, maxTries: deps.settings.linkMaxFailures, onSuccess: "reset" },
        { key: address, maxTries: deps.settings.linkMaxFailuresPerAddress, onSuccess: "release" },
      ]
    : [{ key: address, maxTries: deps.settings.linkMaxFailures, onSuccess: "reset" }];

  const tries = await chargeLinkTry(deps, rules, now, "web.signIn");
  const found = await findUsableLinkCode(deps, tries, input.code, now, "web.signIn");

  const token = generateSessionToken();
  const expiresAt = new Date(now.getTime() + policy.maxMs);
  const result = await prisma.$transaction(async (tx) => {
    // Compare-and-set: of two browsers (or a browser and a chat) racing with one code, one wins.
    const claimed = await tx.linkCode.updateMany({ where: { id: found.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count === 0) return null;
    const key = { channel: "WEB" as const, externalUserId: found.userId };
    const existing = await tx.chatIdentity.findUnique({ where: { channel_externalUserId: key }, select: { id: true, status: true } });
    const identity = await tx.chatIdentity.upsert({
      where: { channel_externalUserId: key },
      create: { userId: found.userId, channel: "WEB", externalUserId: found.userId, chatId: found.userId, linkedAt: now, lastSeenAt: now },
      update: { status: "ACTIVE", lastSeenAt: now, unreachableAt: null, ...(existing?.status === "ACTIVE" ? {} : { linkedAt: now }) },
      select: { id: true },
    });
    await tx.linkCode.update({ where: { id: found.id }, data: { usedByIdentityId: identity.id } });
    const session = await tx.webSession.create({
      data: {
        userId: found.userId,
        tokenHash: hashSessionToken(token),
        createdAt: now,
        rotatedAt: now,
        lastSeenAt: now,
        expiresAt,
        clientIp: input.clientIp,
        userAgent: input.userAgent ?? null,
      },
      select: { id: true },
    });
    await settleLinkTries(tx, tries);
    if (existing?.status !== "ACTIVE")
      await appendAuditEvent(tx, {
        type: "identity.linked",
        at: now,
        orgId: found.user.orgId,
        actorUserId: found.userId,
        entityType: "ChatIdentity",
        entityId: identity.id,
        data: { channel: "WEB", linkCodeId: found.id },
      });
    await appendAuditEvent(tx, {
      type: "web.signedIn",
      at: now,
      orgId: found.user.orgId,
      actorUserId: found.userId,
      entityType: "WebSession",
      entityId: session.id,
      data: { linkCodeId: found.id, clientIp: input.clientIp, expiresAt: expiresAt.toISOString() },
    });
    return { sessionId: session.id, token, userId: found.userId, userName: found.user.name, expiresAt };
  });
  if (!result) throw await refuseLinkCode(deps, tries, now, "LINK_CODE_INVALID", "web.signIn");
  return result;
};
