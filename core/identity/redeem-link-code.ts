import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { ZChannel, type Channel } from "../channels.ts";
import { chargeLinkTry, findUsableLinkCode, refuseLinkCode, settleLinkTries } from "./link-code-guard.ts";

export const ZRedeemLinkCodeInput = z.object({
  channel: ZChannel,
  /** The platform's user id. */
  externalUserId: z.string().min(1).max(128),
  /** Where to send this person messages. */
  chatId: z.string().min(1).max(128),
  displayName: z.string().max(256).optional(),
  code: z.string().max(64),
});
export type RedeemLinkCodeInput = z.infer<typeof ZRedeemLinkCodeInput>;

export type RedeemLinkCodeResult = {
  identityId: string;
  userId: string;
  userName: string;
  /** The identity was linked to another user before and has moved. */
  moved: boolean;
};

/**
 * Binds a chat identity (channel + external user id + chat id) to the user a link code was issued
 * for. The code is single-use and expires. Tries are counted per chat, atomically and before the
 * code is looked at: after `settings.linkMaxFailures` wrong ones (or that many at once) the chat is
 * locked for `settings.linkLockMinutes`. Every link and
 * every failed try is audited. Re-linking an identity to another user moves it.
 *
 * @throws DomainError LINK_LOCKED | LINK_CODE_INVALID | LINK_CODE_EXPIRED
 */
export const redeemLinkCode = async (deps: CoreDeps, raw: RedeemLinkCodeInput): Promise<RedeemLinkCodeResult> => {
  const input = ZRedeemLinkCodeInput.parse(raw);
  const now = deps.clock.now();
  const { prisma, settings } = deps;
  const chatKey = { channel: input.channel as Channel, chatId: input.chatId };

  const tries = await chargeLinkTry(deps, [{ key: chatKey, maxTries: settings.linkMaxFailures, onSuccess: "reset" }], now, "link");
  const found = await findUsableLinkCode(deps, tries, input.code, now, "link");

  const result = await prisma.$transaction(async (tx) => {
    // Compare-and-set: of two chats racing with one code, one wins.
    const claimed = await tx.linkCode.updateMany({ where: { id: found.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count === 0) return null;
    const existing = await tx.chatIdentity.findUnique({
      where: { channel_externalUserId: { channel: input.channel as Channel, externalUserId: input.externalUserId } },
      select: { id: true, userId: true },
    });
    const moved = existing !== null && existing.userId !== found.userId;
    const identity = await tx.chatIdentity.upsert({
      where: { channel_externalUserId: { channel: input.channel as Channel, externalUserId: input.externalUserId } },
      create: {
        userId: found.userId,
        channel: input.channel as Channel,
        externalUserId: input.externalUserId,
        chatId: input.chatId,
        displayName: input.displayName ?? null,
        linkedAt: now,
        lastSeenAt: now,
      },
      update: { userId: found.userId, chatId: input.chatId, displayName: input.displayName ?? null, status: "ACTIVE", linkedAt: now, lastSeenAt: now, unreachableAt: null },
      select: { id: true },
    });
    await tx.linkCode.update({ where: { id: found.id }, data: { usedByIdentityId: identity.id } });
    await settleLinkTries(tx, tries);
    await appendAuditEvent(tx, {
      type: moved ? "identity.moved" : "identity.linked",
      at: now,
      orgId: found.user.orgId,
      actorUserId: found.userId,
      entityType: "ChatIdentity",
      entityId: identity.id,
      data: { channel: input.channel, linkCodeId: found.id, ...(moved ? { fromUserId: existing!.userId } : {}) },
    });
    return { identityId: identity.id, userId: found.userId, userName: found.user.name, moved };
  });
  if (!result) throw await refuseLinkCode(deps, tries, now, "LINK_CODE_INVALID", "link");
  return result;
};
