// Telegram callback data: the channel-neutral codec of core's action contract (short, versioned,
// ≤ 64 bytes), re-exported so that Telegram code has one place to build and parse it.
export { CALLBACK_DATA_MAX_BYTES, decodeCallback, encodeCallback } from "../shared/callback-data.ts";
export type { CallbackAction } from "../shared/callback-data.ts";
