// Stores the bot's messages in a person's web history and tells their open pages. A message that
// is a living card (`cardKey`, e.g. one assignment) supersedes the earlier copy of that card: the
// old copy loses its buttons, so only the newest card can be pressed (as Telegram edits in place).
import {
  type CoreDeps,
  findCard,
  rememberCard,
  type MessageAction,
  type OutboundMessage,
  appendWebMessages,
  setWebMessageActions,
  type StoredWebMessage,
} from "../../core/index.ts";
import type { WebEventHub } from "./event-hub.ts";

type Deps = Pick<CoreDeps, "prisma" | "clock">;

export const storeOutgoing = async (
  deps: Deps,
  hub: WebEventHub,
  userId: string,
  messages: OutboundMessage[],
): Promise<{ stored: StoredWebMessage[]; updated: StoredWebMessage[] }> => {
  const stored: StoredWebMessage[] = [];
  const updated: StoredWebMessage[] = [];
  for (const message of messages) {
    const [row] = await appendWebMessages(deps, { userId, direction: "OUT", payloads: [message] });
    if (!row) continue;
    stored.push(row);
    if (message.cardKey) {
      const at = { channel: "WEB" as const, chatId: userId, cardKey: message.cardKey };
      const previous = await findCard(deps, at);
      if (previous && previous.messageId !== row.id) {
        const old = await setWebMessageActions(deps, { userId, id: previous.messageId, actions: [] });
        if (old) updated.push(old);
      }
      await rememberCard(deps, { ...at, messageId: row.id });
    }
  }
  for (const message of updated) hub.publish(userId, { type: "update", message });
  if (stored.length > 0) hub.publish(userId, { type: "nudge" });
  return { stored, updated };
};

/**
 * Applies a turn's card change: the pressed message keeps only the actions that still apply, and
 * so does the card the turn changed (`cardKey`), wherever it is in the history.
 */
export const applyCardUpdate = async (
  deps: Deps,
  hub: WebEventHub,
  userId: string,
  card: { actions: MessageAction[]; cardKey?: string },
  pressedMessageId?: string,
): Promise<StoredWebMessage[]> => {
  const ids = new Set<string>();
  if (pressedMessageId) ids.add(pressedMessageId);
  if (card.cardKey) {
    const found = await findCard(deps, { channel: "WEB", chatId: userId, cardKey: card.cardKey });
    if (found) ids.add(found.messageId);
  }
  const updated: StoredWebMessage[] = [];
  for (const id of ids) {
    const m = await setWebMessageActions(deps, { userId, id, actions: card.actions });
    if (m) updated.push(m);
  }
  for (const message of updated) hub.publish(userId, { type: "update", message });
  return updated;
};
