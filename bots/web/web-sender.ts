// The core Sender port on the web chat (STYLE.md rule 15): a delivered outbox message is stored in
// the person's web history and pushed to their open pages. Delivery succeeds whether or not a page
// is open: the person sees it on their next visit (and in the tasks panel). With Web Push on, each
// browser the person subscribed also gets a short notification (web-push.ts), in the background: a
// push that fails never fails the delivery.
//
// The web chat is every person's inbox (`inbox: true`): the outbox delivers here also to a person
// who has not signed in yet (or was signed out by `edoc user logout`), after their linked chats, and
// they find the message on their next sign-in, rendered for them, with its buttons.
import { type CoreDeps, type OutboundMessage, type SendOptions, type SendResult, type Sender, type SendTarget, SendError, abortedSendError } from "../../core/index.ts";
import type { WebEventHub } from "./event-hub.ts";
import { storeOutgoing } from "./store-outgoing.ts";
import type { WebPusher } from "./web-push.ts";

export type WebSenderOptions = {
  deps: Pick<CoreDeps, "prisma" | "clock">;
  /** Where open pages listen (the same hub as the web chat's event streams). */
  hub: WebEventHub;
  /** Web Push to the person's subscribed browsers. @defaultValue none (no push) */
  push?: WebPusher;
};

export const createWebSender = ({ deps, hub, push }: WebSenderOptions): Sender => ({
  channel: "WEB",
  inbox: true,
  async send(target: SendTarget, message: OutboundMessage, { signal }: SendOptions = {}): Promise<SendResult> {
    // A cancelled send stores nothing. (Storing is one write: once it began, the message is there.)
    if (signal?.aborted) throw abortedSendError(signal);
    let stored;
    try {
      // The person's web chat is the person themself (chatId = userId), with or without a linked
      // identity; the user id is authoritative.
      ({ stored } = await storeOutgoing(deps, hub, target.userId, [message]));
    } catch (err) {
      throw new SendError("transient", err instanceof Error ? err.message : String(err), undefined, { cause: err });
    }
    push?.notify(target.userId, target.locale, stored);
    return { platformMessageId: stored[0]?.id ?? "" };
  },
});
