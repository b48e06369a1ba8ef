// The Telegram view of core's card registry (core/outbox/card-registry.ts): which message in a chat
// shows a living card. Message ids are numbers on Telegram.
import { findCard, forgetCard, rememberCard, type CardRegistryDeps } from "../../core/index.ts";

export type TelegramCards = {
  find(chatId: string, cardKey: string): Promise<number | null>;
  remember(chatId: string, cardKey: string, messageId: number): Promise<void>;
  forget(chatId: string, cardKey: string): Promise<void>;
};

export const telegramCards = (deps: CardRegistryDeps): TelegramCards => ({
  find: async (chatId, cardKey) => {
    const card = await findCard(deps, { channel: "TELEGRAM", chatId, cardKey });
    const id = card ? Number(card.messageId) : NaN;
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  },
  remember: (chatId, cardKey, messageId) => rememberCard(deps, { channel: "TELEGRAM", chatId, cardKey, messageId: String(messageId) }),
  forget: (chatId, cardKey) => forgetCard(deps, { channel: "TELEGRAM", chatId, cardKey }),
});
