// The shape of a background job (STYLE.md rule 17): a name, a payload schema, a handler. Payloads
// carry ids only; handlers re-read current state from core. Both runners (BullMQ on Redis, and
// in-process timers without Redis) run the same definitions.
import type { ZodType } from "zod";
import type { Channel, CoreDeps, Sender } from "../core/index.ts";

export type JobLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
};

export type EnqueueOptions = {
  /** Deterministic id: a job with the same id is not added twice while it is stored. No ":" and not all digits. */
  jobId?: string;
  delayMs?: number;
};

/** What a handler gets besides its payload. */
export type JobContext = {
  deps: CoreDeps;
  /** Channel senders that are configured (Telegram, Zalo, web…). */
  senders: Partial<Record<Channel, Sender>>;
  /** Adds another job (fan-out). */
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  logger: JobLogger;
  /** Names this worker (process and runner), e.g. for the outbox claim's `lockedBy`. */
  workerId?: string;
};

export type JobSchedule = { pattern: string; tz: string } | { every: number };

export type JobDefinition<P = unknown> = {
  /** Constant name, e.g. `outbox.deliver`. */
  name: string;
  schema: ZodType<P>;
  handler(payload: P, ctx: JobContext): Promise<void>;
  /** Repeating jobs (sweeps, digests): cron pattern with time zone, or a fixed interval. */
  schedule?: JobSchedule;
  /** Retries: attempts and exponential backoff base delay. @defaultValue { attempts: 5, backoffMs: 2000 } */
  retry?: { attempts: number; backoffMs: number };
  /**
   * How long a finished job is kept (it blocks its `jobId` while kept). `true` removes it at once:
   * right for jobs whose id is re-used by a later sweep and whose real guard is a database claim.
   * @defaultValue { age: 3600 }
   */
  removeOnComplete?: true | { age: number };
};

export const defineJob = <P>(def: JobDefinition<P>): JobDefinition<P> => def;
