// Tells the office that a bot has stopped hearing people (issue 24): a chat platform can go quiet
// without an error (a Zalo poller whose webhook is still set gets nothing but "no news"), so the
// adapter that notices calls this. One message per monitor and episode (`since` is in the key).
import type { CoreDeps } from "../deps.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import type { OutboxPayloads } from "../outbox/outbox-kinds.ts";

export type ChannelDeafAlert = OutboxPayloads["office.channelDeaf"];

/**
 * Queues an `office.channelDeaf` message to every active MONITOR user (all organisations: the
 * bot serves them all). Calling it again for the same episode (`since`) queues nothing more.
 * Returns the number of rows queued.
 *
 * @example
 * await alertChannelDeaf(deps, { channel: "ZALO", problem: "webhookSet", detail: "https://other.example/hook", since: new Date().toISOString() });
 */
export const alertChannelDeaf = async (deps: Pick<CoreDeps, "prisma" | "clock">, alert: ChannelDeafAlert): Promise<number> => {
  const monitors = await deps.prisma.user.findMany({ where: { active: true, roles: { has: "MONITOR" } }, select: { id: true } });
  return enqueueOutbox(
    deps.prisma,
    deps.clock.now(),
    monitors.map((m) => ({
      userId: m.id,
      kind: "office.channelDeaf" as const,
      payload: alert,
      dedupeKey: `office.channelDeaf:${alert.channel}:${alert.since}:${m.id}`,
      urgency: "URGENT" as const,
    })),
  );
};
