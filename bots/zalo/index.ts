// The Zalo adapter.
export { createZaloBot, DEFAULT_MAX_PHOTO_BYTES } from "./create-zalo-bot.ts";
export type { ZaloBot, ZaloBotOptions } from "./create-zalo-bot.ts";
export { createZaloSender, toZaloSendError, DEFAULT_ZALO_RETRY_AFTER_MS } from "./zalo-sender.ts";
export type { ZaloSenderOptions } from "./zalo-sender.ts";
export { sendZaloMessage, DEFAULT_LINK_TTL_SECONDS } from "./send-zalo-message.ts";
export type { ZaloFileLinks } from "./send-zalo-message.ts";
export { actionLines, isNumberedChoice, renderZaloText, zaloTextParts } from "./render-zalo.ts";
export { createPdfPreviewer } from "./pdf-preview.ts";
export type { PdfPreviewer } from "./pdf-preview.ts";
export { createZaloClient, ZALO_API_BASE, ZALO_TEXT_LIMIT } from "./zalo-client.ts";
export type { ZaloClient } from "./zalo-client.ts";
export { ZaloApiError, ZaloHttpError } from "./zalo-error.ts";
export { startZaloPolling } from "./polling.ts";
export type { ZaloPollingHandle } from "./polling.ts";
export { createZaloWebhookHandler, ZALO_SECRET_HEADER } from "./webhook.ts";
export { normalizeZaloUpdate } from "./updates.ts";
export type { ZaloUpdate } from "./updates.ts";
