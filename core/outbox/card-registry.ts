// The living cards: which platform message shows a card (an assignment, a document to direct, an
// extension request) in a chat, so that a later message with the same `cardKey` edits that card in
// place instead of adding a new one. Channel adapters reach this mapping only through these
// functions (bots never touch Prisma). Stored in the ConversationState table under
// `card:<channel>:<chatId>:<cardKey>`; no expiry: a card stays editable as long as the chat keeps it.
import type { CoreDeps } from "../deps.ts";
import type { Channel } from "../store/generated/enums.ts";

export type CardRegistryDeps = Pick<CoreDeps, "prisma">;

/** A card in one chat. */
export type CardLocation = { channel: Channel; chatId: string; cardKey: string };

type StoredCard = { messageId: string };

const keyOf = (at: CardLocation): string => `card:${at.channel}:${at.chatId}:${at.cardKey}`;

/**
 * Records that `messageId` now shows the card in this chat (the newest wins).
 *
 * @example await rememberCard(deps, { channel: "TELEGRAM", chatId: "303", cardKey: "assignment:abc", messageId: "17" })
 */
export const rememberCard = async (deps: CardRegistryDeps, input: CardLocation & { messageId: string }): Promise<void> => {
  const key = keyOf(input);
  const value: StoredCard = { messageId: input.messageId };
  await deps.prisma.conversationState.upsert({ where: { key }, create: { key, value, expiresAt: null }, update: { value, expiresAt: null } });
};

/** The message showing the card in this chat, or null when none was recorded. */
export const findCard = async (deps: CardRegistryDeps, at: CardLocation): Promise<{ messageId: string } | null> => {
  const row = await deps.prisma.conversationState.findUnique({ where: { key: keyOf(at) }, select: { value: true } });
  const value = row?.value as Partial<StoredCard> | null | undefined;
  return typeof value?.messageId === "string" ? { messageId: value.messageId } : null;
};

/** Forgets the card (its message is gone). */
export const forgetCard = async (deps: CardRegistryDeps, at: CardLocation): Promise<void> => {
  await deps.prisma.conversationState.deleteMany({ where: { key: keyOf(at) } });
};
