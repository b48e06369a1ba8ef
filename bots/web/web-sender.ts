// The core Sender port on the web chat (STYLE.md rule 15): a delivered outbox message is stored in
// the person's web history and pushed to their open pages. Delivery succeeds whether or not a page
// is open: the person sees it on their next visit (and in the tasks panel). `edoc user logout`
// unlinks the web identity, so the outbox then uses the person's other chats.
import type { CoreDeps } from "../../core/deps.ts";
import type { OutboundMessage, SendResult, Sender, SendTarget } from "../../core/ports/sender.ts";
import { SendError } from "../../core/ports/sender.ts";
import type { WebEventHub } from "./event-hub.ts";
import { storeOutgoing } from "./store-outgoing.ts";

export type WebSenderOptions = {
  deps: Pick<CoreDeps, "prisma" | "clock">;
  /** Where open pages listen (the same hub as the web chat's event streams). */
  hub: WebEventHub;
};

export const createWebSender = ({ deps, hub }: WebSenderOptions): Sender => ({
  channel: "WEB",
  async send(target: SendTarget, message: OutboundMessage): Promise<SendResult> {
    try {
      // The web identity's chat is the person themself (chatId = userId); the user id is authoritative.
      const { stored } = await storeOutgoing(deps, hub, target.userId, [message]);
      return { platformMessageId: stored[0]?.id ?? "" };
    } catch (err) {
      throw new SendError("transient", err instanceof Error ? err.message : String(err), undefined, { cause: err });
    }
  },
});
