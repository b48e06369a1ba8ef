// Callback data of buttons, channel-neutral (Telegram inline keyboards, web chat buttons): the codec
// is core's action contract (core/workflow/actions.ts), the one place that writes and parses it.
// The bots build their own buttons (an echo's Xác nhận / Sửa / Hủy, the guided directive's steps)
// with encodeCallback; decoded data is NEVER trusted: every press goes through a core use case.
export { CALLBACK_DATA_MAX_BYTES, decodeCallback, encodeCallback } from "../../core/index.ts";
export type { CallbackAction, GuideOp } from "../../core/index.ts";
