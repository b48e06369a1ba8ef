// The one context type of the Telegram bot (STYLE.md rule 14). No session or conversation flavors:
// conversation state lives in core's ConversationStore, shared with Zalo and the web chat.
import type { Context } from "grammy";

export type BotContext = Context;
