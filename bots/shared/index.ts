// The channel-neutral conversation layer shared by Telegram, Zalo and the web chat.
export { handleIncoming } from "./handle-incoming.ts";
export type { BotChannel, BotEnv, BotLogger, CardUpdate, FileInMemory, FileOnDisk, IncomingFile, IncomingTurn, TurnResult } from "./types.ts";
export { mapError } from "./map-error.ts";
export { reply, lines, action, grammarErrorLines } from "./render.ts";
export { conversationKey, DEFAULT_CONVERSATION_TTL_MS } from "./conversation.ts";
export { splitText } from "./split-text.ts";
