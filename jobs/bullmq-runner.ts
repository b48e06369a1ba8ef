// The runner on Redis: one BullMQ queue per job definition (named after it), so each job gets its own
// concurrency, rate limit and pause (a 429 pauses deliveries, not the chase sweep).
// - schedules: `queue.upsertJobScheduler("sched-<name>", { pattern, tz } | { every })` (idempotent);
// - retries: the definition's attempts with exponential backoff; DomainErrors and bad payloads are
//   rethrown as UnrecoverableError;
// - a platform 429 (RateLimitedError): `await worker.rateLimit(ms); throw Worker.RateLimitError()`:
//   the queue waits and the job runs again without spending an attempt;
// - rate limits: per definition when given (`limiters`); none by default, the platforms are paced by
//   their senders (jobs/pacing.ts);
// - stop(): workers stop taking jobs, their active jobs finish (up to STOP_GRACE_MS), then workers,
//   queues and the connection close.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { EnqueueOptions, JobContext, JobDefinition } from "./definition.ts";
import { isUnrecoverable, RateLimitedError } from "./job-errors.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_LIMITERS, DEFAULT_RETRY, defaultWorkerId, type CreateJobRunnerOptions, type JobRunner } from "./runner-options.ts";

/** Failed jobs are kept a week for inspection. */
const KEEP_FAILED = { age: 7 * 24 * 3600 };
const KEEP_COMPLETED = { age: 3600 };
/** How long stop() waits for active jobs to finish before it cuts them off. */
const STOP_GRACE_MS = 8_000;
/** How long stop() waits for a connection to close politely before it drops it. */
const CLOSE_GRACE_MS = 2_000;

/** Whether `promise` settled within `ms` (it is left running either way). */
const settlesWithin = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => setTimeout(resolve, ms, false).unref()),
  ]);

export const createBullmqRunner = (opts: CreateJobRunnerOptions & { redisUrl: string }): JobRunner => {
  const roles = opts.roles ?? { workers: true, schedules: true };
  const workerId = opts.workerId ?? defaultWorkerId();
  const prefix = opts.prefix ?? "edoc";
  const defs = new Map(opts.definitions.map((d) => [d.name, d]));
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  /** Handlers running in this process (stop() waits for them itself, see there). */
  const active = new Set<Promise<unknown>>();
  let connection: Redis | undefined;
  let started = false;
  let stopping = false;

  const jobOptions = (def: JobDefinition<any>, options: EnqueueOptions = {}): JobsOptions => {
    const retry = def.retry ?? DEFAULT_RETRY;
    return {
      attempts: retry.attempts,
      backoff: { type: "exponential", delay: retry.backoffMs },
      removeOnComplete: def.removeOnComplete ?? KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    };
  };

  const queueOf = (name: string): Queue => {
    const queue = queues.get(name);
    if (!queue) throw new Error(started ? `Unknown job: ${name}` : "The job runner is not started");
    return queue;
  };

  const enqueue = async (name: string, payload: unknown, options?: EnqueueOptions): Promise<void> => {
    const def = defs.get(name);
    if (!def) throw new Error(`Unknown job: ${name}`);
    await queueOf(name).add(name, payload ?? {}, jobOptions(def, options));
  };

  const ctx: JobContext = { deps: opts.deps, senders: opts.senders, enqueue, logger: opts.logger, workerId };

  const startWorker = (def: JobDefinition<any>) => {
    const limiter = opts.limiters?.[def.name] ?? DEFAULT_LIMITERS[def.name];
    const worker: Worker = new Worker(
      def.name,
      async (job: Job, token?: string) => {
        // A job fetched while stop() waits is put back, not started: stop() waits only for the
        // handlers that were already running, and nothing runs after it returns.
        if (stopping) {
          if (token) await job.moveToDelayed(Date.now() + 1_000, token);
          throw new DelayedError();
        }
        const run = (async () => def.handler(def.schema.parse(job.data ?? {}), ctx))();
        active.add(run);
        try {
          await run;
        } catch (err) {
          if (err instanceof RateLimitedError) {
            await worker.rateLimit(err.retryAfterMs);
            throw Worker.RateLimitError();
          }
          if (isUnrecoverable(err)) throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
          throw err;
        } finally {
          active.delete(run);
        }
      },
      {
        connection: connection as Redis,
        prefix,
        concurrency: opts.concurrency?.[def.name] ?? DEFAULT_CONCURRENCY[def.name] ?? 1,
        ...(limiter ? { limiter } : {}),
        name: workerId,
      },
    );
    worker.on("failed", (job, err) => {
      if (err.name === "RateLimitError") return;
      opts.logger.warn({ job: def.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, "job failed");
    });
    worker.on("error", (err) => opts.logger.error({ job: def.name, err: err.message }, "worker error (check the Redis connection)"));
    workers.push(worker);
  };

  return {
    kind: "bullmq",
    start: async () => {
      if (started) return;
      connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
      for (const def of opts.definitions) {
        const queue = new Queue(def.name, { connection, prefix });
        // Connection errors: the workers already log them (once per worker); unheard, BullMQ prints each one.
        queue.on("error", (err) => opts.logger.debug({ job: def.name, err: err.message }, "queue error"));
        queues.set(def.name, queue);
      }
      started = true;
      if (roles.schedules) {
        const registerSchedules = async () => {
          for (const def of opts.definitions) {
            if (!def.schedule) continue;
            const repeat = "every" in def.schedule ? { every: def.schedule.every } : { pattern: def.schedule.pattern, tz: def.schedule.tz };
            const { jobId: _ignored, ...template } = jobOptions(def);
            await queueOf(def.name).upsertJobScheduler(`sched-${def.name}`, repeat, { name: def.name, data: {}, opts: template });
          }
        };
        await registerSchedules();
        // A Redis that comes back empty (restarted without persistence, failed over to a fresh
        // replica) has lost the schedulers, and with them the outbox sweep: nothing would ever be
        // delivered again. Register them again on every reconnect (an upsert never duplicates);
        // the sweep then finds in the database whatever the lost jobs were about.
        connection.on("ready", () => {
          if (!started) return;
          registerSchedules().catch((err: unknown) =>
            opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "could not register the job schedules after a Redis reconnect; retrying on the next one"),
          );
        });
      }
      if (roles.workers) for (const def of opts.definitions) startWorker(def);
    },
    stop: async () => {
      if (!started) return;
      started = false;
      stopping = true;
      // BullMQ's own graceful close (`worker.close()`) never returns when called while a worker's
      // connection is reconnecting (Redis gone, or just back from an outage: BullMQ issues #2430,
      // #4656). So the runner does the waiting itself: the workers stop taking jobs, the handlers
      // running here finish (up to STOP_GRACE_MS), then the workers are closed without waiting
      // (`close(true)`). A job cut off loses nothing: its outbox row stays claimed until the claim
      // runs out, and BullMQ gives a stalled job to another worker.
      await Promise.all(workers.map((w) => w.pause(true).catch(() => undefined)));
      const deadline = Date.now() + STOP_GRACE_MS;
      while (active.size > 0 && Date.now() < deadline) await settlesWithin(Promise.allSettled([...active]), deadline - Date.now());
      if (active.size > 0) {
        opts.logger.warn({ graceMs: STOP_GRACE_MS, running: active.size }, "jobs still running at shutdown were cut off; they run again after a restart");
      }
      const closed = await settlesWithin(Promise.all(workers.map((w) => w.close(true))), CLOSE_GRACE_MS);
      const queuesClosed = await settlesWithin(Promise.all([...queues.values()].map((q) => q.close())), CLOSE_GRACE_MS);
      const quit = connection ? await settlesWithin(connection.quit(), CLOSE_GRACE_MS) : true;
      if (!closed || !queuesClosed || !quit) {
        opts.logger.warn({}, "the Redis connections did not close in time (check the Redis connection); they are dropped");
        for (const w of workers) void w.disconnect().catch(() => undefined);
        for (const q of queues.values()) void q.disconnect().catch(() => undefined);
        connection?.disconnect();
      }
    },
    enqueue,
    queues: () => [...queues.values()],
  };
};
