// The runner on Redis: one BullMQ queue per job definition (named after it), so each job gets its own
// concurrency, rate limit and pause (a 429 pauses deliveries, not the chase sweep).
// - schedules: `queue.upsertJobScheduler("sched-<name>", { pattern, tz } | { every })` (idempotent);
// - retries: the definition's attempts with exponential backoff; DomainErrors and bad payloads are
//   rethrown as UnrecoverableError;
// - a platform 429 (RateLimitedError): `await worker.rateLimit(ms); throw Worker.RateLimitError()`:
//   the queue waits and the job runs again without spending an attempt;
// - the delivery queue's limiter caps the overall send rate across all workers;
// - stop(): workers first (each waits for its active job), then queues, then the connection.
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { EnqueueOptions, JobContext, JobDefinition } from "./definition.ts";
import { isUnrecoverable, RateLimitedError } from "./job-errors.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_LIMITERS, DEFAULT_RETRY, defaultWorkerId, type CreateJobRunnerOptions, type JobRunner } from "./runner.ts";

/** Failed jobs are kept a week for inspection. */
const KEEP_FAILED = { age: 7 * 24 * 3600 };
const KEEP_COMPLETED = { age: 3600 };
/** How long stop() waits for the workers to close before it cuts their connections. */
const STOP_GRACE_MS = 8_000;

export const createBullmqRunner = (opts: CreateJobRunnerOptions & { redisUrl: string }): JobRunner => {
  const roles = opts.roles ?? { workers: true, schedules: true };
  const workerId = opts.workerId ?? defaultWorkerId();
  const prefix = opts.prefix ?? "edoc";
  const defs = new Map(opts.definitions.map((d) => [d.name, d]));
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  let connection: Redis | undefined;
  let started = false;

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
      async (job: Job) => {
        try {
          const payload = def.schema.parse(job.data ?? {});
          await def.handler(payload, ctx);
        } catch (err) {
          if (err instanceof RateLimitedError) {
            await worker.rateLimit(err.retryAfterMs);
            throw Worker.RateLimitError();
          }
          if (isUnrecoverable(err)) throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
          throw err;
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
      for (const def of opts.definitions) queues.set(def.name, new Queue(def.name, { connection, prefix }));
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
      // Workers finish their active jobs. A worker whose Redis connection is reconnecting (Redis gone,
      // or back after an outage) may never report closed (BullMQ issues #2430, #4656): after
      // STOP_GRACE_MS the connections are cut instead. Nothing is lost: a job cut off mid-way left its
      // outbox row claimed, and the claim runs out or is released when the service starts again.
      const graceful = (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all([...queues.values()].map((q) => q.close()));
        await connection?.quit();
      })();
      const done = await Promise.race([graceful.then(() => true), new Promise<false>((resolve) => setTimeout(resolve, STOP_GRACE_MS, false).unref())]);
      if (!done) {
        opts.logger.warn({ graceMs: STOP_GRACE_MS }, "job workers did not close in time (check the Redis connection); their connections are cut");
        graceful.catch(() => undefined);
        await Promise.all(workers.map((w) => w.disconnect().catch(() => undefined)));
        await Promise.all([...queues.values()].map((q) => q.disconnect().catch(() => undefined)));
        connection?.disconnect();
      }
    },
    enqueue,
    queues: () => [...queues.values()],
  };
};
