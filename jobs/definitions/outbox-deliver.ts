// Delivers one outbox row (core/outbox/deliver-outbox-message.ts) and maps its outcome for the runner:
// a 429 pauses the delivery queue without spending an attempt; retries of transient failures are
// the row's own (attempts + nextAttemptAt, picked up again by the sweep), so the job itself succeeds.
import { z } from "zod";
import { deliverOutboxMessage, type DeliveryPolicy } from "../../core/outbox/deliver-outbox-message.ts";
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
          ctx.logger.info({ outboxId, channel: result.channel, recorded: result.recorded }, "outbox message sent");
          if (!result.recorded) ctx.logger.warn({ outboxId }, "sent after the claim expired: the row may be sent once more; raise claimMs if this repeats");
          return;
        case "rate_limited":
          ctx.logger.warn({ outboxId, channel: result.channel, retryAfterMs: result.retryAfterMs }, "platform rate limit: pausing delivery");
          throw new RateLimitedError(result.retryAfterMs);
        case "retry":
          ctx.logger.warn({ outboxId, attempts: result.attempts, nextAttemptAt: result.nextAttemptAt.toISOString(), error: result.error }, "outbox send failed, will retry");
          return;
        case "failed":
          ctx.logger.error({ outboxId, reason: result.reason, error: result.error, officeNotified: result.officeNotified }, "outbox message failed; the office was told");
          return;
        case "cancelled":
          ctx.logger.info({ outboxId, reason: result.reason }, "outbox message cancelled");
          return;
        case "not_claimable":
          ctx.logger.debug({ outboxId }, "outbox row not claimable (sent, not due, or claimed by another worker)");
          return;
      }
    },
  });

export const outboxDeliverJob = createOutboxDeliverJob();
