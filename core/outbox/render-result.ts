// What rendering one outbox row gives (its own module: the renderers of other kinds, such as
// ../outgoing/render-outgoing-received.ts, return it without importing the outbox renderer).
import type { OutboundMessage } from "../ports/sender.ts";

/** A channel-neutral message to send, or why the row must not be sent. */
export type RenderOutboxResult = { ok: true; message: OutboundMessage } | { ok: false; reason: string };
