import { loadActor, type Actor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { Channel } from "../store/generated/enums.ts";

export type ResolvedIdentity = { identityId: string; chatId: string; actor: Actor };

/**
 * The user behind a chat account, or null when the account is not linked (or its user is
 * inactive): adapters then show nothing but how to link. Touches `lastSeenAt`, and a chat that
 * was marked unreachable becomes active again because the person wrote to us.
 */
export const resolveIdentity = async (
  deps: Pick<CoreDeps, "prisma" | "clock">,
  { channel, externalUserId, chatId }: { channel: Channel; externalUserId: string; chatId?: string },
): Promise<ResolvedIdentity | null> => {
  const identity = await deps.prisma.chatIdentity.findUnique({
    where: { channel_externalUserId: { channel, externalUserId } },
    select: { id: true, userId: true, chatId: true, status: true, user: { select: { active: true } } },
  });
  if (!identity || identity.status === "UNLINKED" || !identity.user.active) return null;
  const update: { lastSeenAt: Date; status?: "ACTIVE"; unreachableAt?: null; chatId?: string } = { lastSeenAt: deps.clock.now() };
  if (identity.status === "UNREACHABLE") Object.assign(update, { status: "ACTIVE", unreachableAt: null });
  if (chatId && chatId !== identity.chatId) update.chatId = chatId;
  await deps.prisma.chatIdentity.update({ where: { id: identity.id }, data: update });
  return { identityId: identity.id, chatId: chatId ?? identity.chatId, actor: await loadActor(deps.prisma, identity.userId) };
};
