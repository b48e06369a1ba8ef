// The Telegram adapter.
export { createTelegramBot, DEFAULT_TELEGRAM_API_ROOT } from "./create-telegram-bot.ts";
export type { TelegramBot, TelegramBotOptions } from "./create-telegram-bot.ts";
export { createTelegramSender, toSendError } from "./telegram-sender.ts";
export type { TelegramSenderOptions } from "./telegram-sender.ts";
export { escapeHtml, renderHtmlParts } from "./html.ts";
