// Delivers one outbox row (core/outbox/deliver-outbox-message.ts) and maps its outcome for the runner:
// a 429 pauses the delivery queue without spending an attempt; retries of transient failures are
// the row's own (attempts + nextAttemptAt, picked up again by the sweep), so the job itself succeeds.
import { z } from "zod";
import { deliverOutboxMessage, type DeliveryPolicy } from "../../core/index.ts";
import { defineJob } from "../definition.ts";
import { RateLimitedError } from "../job-errors.ts";

export const OUTBOX_DELIVER_JOB = "outbox.deliver";

export const ZOutboxDeliverPayload = z.object({ outboxId: z.string().min(1) });

export const createOutboxDeliverJob = (policy: Partial<DeliveryPolicy> = {}) =>
  defineJob({
    name: OUTBOX_DELIVER_JOB,
    schema: ZOutboxDeliverPayload,
    // Only unexpected errors (database down) are retried by the runner; a crash mid-send is
    // recovered by the claim's expiry and the sweep.
    retry: { attempts: 3, backoffMs: 2_000 },
    // The sweep re-uses `outbox-<id>-<attempts>` after a rate-limit pause; a kept finished job would block it.
    removeOnComplete: true,
    handler: async ({ outboxId }, ctx) => {
      const result = await deliverOutboxMessage(ctx.deps, { outboxId, senders: ctx.senders, workerId: ctx.workerId ?? "jobs", policy });
      switch (result.outcome) {
        case "sent":
          if (!result.inbox) ctx.logger.info({ outboxId, channel: result.channel, recorded: result.recorded }, "outbox message sent");
          else if (result.inbox.officeNotified > 0)
            ctx.logger.warn(
              { outboxId, channel: result.channel, recorded: result.recorded, officeNotified: result.inbox.officeNotified },
              "the person's linked chats refused the message: kept in their inbox, and the office was told",
            );
          else
            ctx.logger.info(
              { outboxId, channel: result.channel, recorded: result.recorded },
              "outbox message kept in the person's inbox (no linked chat took it): they see it when they sign in",
            );
          if (!result.recorded) ctx.logger.warn({ outboxId }, "sent after the claim expired: the row may be sent once more; raise claimMs if this repeats");
          return;
        case "rate_limited":
          ctx.logger.warn({ outboxId, channel: result.channel, retryAfterMs: result.retryAfterMs }, "platform rate limit: pausing delivery");
          throw new RateLimitedError(result.retryAfterMs);
        case "retry":
          ctx.logger.warn({ outboxId, attempts: result.attempts, nextAttemptAt: result.nextAttemptAt.toISOString(), error: result.error }, "outbox send failed, will retry");
          return;
        case "failed": {
          const fields = { outboxId, reason: result.reason, error: result.error, officeNotified: result.officeNotified };
          // Says "the office was told" only when office.unreachable rows were written.
          if (result.officeNotified > 0) ctx.logger.error(fields, "outbox message failed; the office was told");
          else if (result.kind === "office.unreachable") ctx.logger.error(fields, "an office notice failed; nobody else is told (it would loop)");
          else ctx.logger.error(fields, "outbox message failed; nobody was told: the organisation has no other active MONITOR user");
          return;
        }
        case "cancelled":
          ctx.logger.info({ outboxId, reason: result.reason }, "outbox message cancelled");
          return;
        case "deferred":
          ctx.logger.debug({ outboxId, after: result.afterOutboxId }, "outbox row waits for an older one of the same person (their inbox keeps the order)");
          return;
        case "not_claimable":
          ctx.logger.debug({ outboxId }, "outbox row not claimable (sent, not due, or claimed by another worker)");
          return;
      }
    },
  });

export const outboxDeliverJob = createOutboxDeliverJob();
