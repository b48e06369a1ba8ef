// The runner without Redis: the same JobDefinitions on in-process timers and an in-memory queue.
// - schedules: `every` on a timer; cron patterns evaluated in their zone (jobs/cron.ts);
// - retries with exponential backoff (the definition's attempts), DomainErrors and bad payloads fail
//   at once, a RateLimitedError pauses the definition's queue and re-runs the job without spending
//   an attempt;
// - a `jobId` is not queued twice while it is queued or running;
// - per-definition concurrency and rate limits;
// - stop(): no new jobs, waits for the running ones. What is still queued is dropped: the database
//   is the truth and the next sweep finds it again.
import type { EnqueueOptions, JobContext, JobDefinition } from "./definition.ts";
import { nextFireTime } from "./cron.ts";
import { backoffDelayMs, isUnrecoverable, RateLimitedError } from "./job-errors.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_LIMITERS, DEFAULT_RETRY, defaultWorkerId, type CreateJobRunnerOptions, type JobRunner } from "./runner-options.ts";

type Entry = { name: string; payload: unknown; jobId: string | undefined; attemptsMade: number; runAt: number };
type Lane = { def: JobDefinition<any>; queue: Entry[]; active: number; pausedUntil: number; starts: number[] };

/** Longest single timer; longer waits are re-checked (setTimeout's own limit is ~24.8 days). */
const MAX_TIMER_MS = 60 * 60_000;

export const createInProcessRunner = (opts: CreateJobRunnerOptions): JobRunner => {
  const roles = opts.roles ?? { workers: true, schedules: true };
  const workerId = opts.workerId ?? defaultWorkerId();
  const lanes = new Map<string, Lane>();
  for (const def of opts.definitions) lanes.set(def.name, { def, queue: [], active: 0, pausedUntil: 0, starts: [] });
  const known = new Set<string>(); // jobIds queued or running
  const running = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let started = false;
  let stopping = false;
  let pumpTimer: NodeJS.Timeout | undefined;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        fn();
      },
      Math.min(Math.max(0, ms), MAX_TIMER_MS),
    );
    timers.add(timer);
  };

  const schedulePump = (at: number) => {
    if (stopping) return;
    if (pumpTimer) {
      clearTimeout(pumpTimer);
      timers.delete(pumpTimer);
    }
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        pumpTimer = undefined;
        pump();
      },
      Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
    );
    pumpTimer = timer;
    timers.add(timer);
  };

  const limiterOf = (name: string) => opts.limiters?.[name] ?? DEFAULT_LIMITERS[name];

  /** Starts every job that may start now; arms a timer for the next one. */
  const pump = () => {
    if (!started || stopping || !roles.workers) return;
    const now = Date.now();
    let nextAt = Infinity;
    for (const lane of lanes.values()) {
      const concurrency = opts.concurrency?.[lane.def.name] ?? DEFAULT_CONCURRENCY[lane.def.name] ?? 1;
      const limiter = limiterOf(lane.def.name);
      lane.queue.sort((a, b) => a.runAt - b.runAt);
      while (lane.queue.length > 0 && lane.active < concurrency) {
        if (lane.pausedUntil > now) {
          nextAt = Math.min(nextAt, lane.pausedUntil);
          break;
        }
        const head = lane.queue[0] as Entry;
        if (head.runAt > now) {
          nextAt = Math.min(nextAt, head.runAt);
          break;
        }
        if (limiter) {
          lane.starts = lane.starts.filter((t) => t > now - limiter.duration);
          if (lane.starts.length >= limiter.max) {
            nextAt = Math.min(nextAt, (lane.starts[0] as number) + limiter.duration);
            break;
          }
          lane.starts.push(now);
        }
        lane.queue.shift();
        run(lane, head);
      }
    }
    if (nextAt !== Infinity) schedulePump(nextAt);
  };

  const run = (lane: Lane, entry: Entry) => {
    lane.active += 1;
    const p = execute(lane, entry).finally(() => {
      lane.active -= 1;
      running.delete(p);
      pump();
    });
    running.add(p);
  };

  const execute = async (lane: Lane, entry: Entry): Promise<void> => {
    const retry = lane.def.retry ?? DEFAULT_RETRY;
    const log = { job: lane.def.name, jobId: entry.jobId, attempt: entry.attemptsMade + 1 };
    try {
      const payload = lane.def.schema.parse(entry.payload ?? {});
      await lane.def.handler(payload, ctx);
      if (entry.jobId) known.delete(entry.jobId);
    } catch (err) {
      if (err instanceof RateLimitedError) {
        // Pause the lane and put the job back first in line, attempts unchanged.
        lane.pausedUntil = Math.max(lane.pausedUntil, Date.now() + err.retryAfterMs);
        lane.queue.unshift({ ...entry, runAt: Date.now() });
        return;
      }
      const attemptsMade = entry.attemptsMade + 1;
      if (isUnrecoverable(err) || attemptsMade >= retry.attempts) {
        if (entry.jobId) known.delete(entry.jobId);
        opts.logger.error({ ...log, err: err instanceof Error ? err.message : String(err) }, "job failed");
        return;
      }
      const delay = backoffDelayMs(attemptsMade, retry.backoffMs);
      opts.logger.warn({ ...log, retryInMs: delay, err: err instanceof Error ? err.message : String(err) }, "job failed, will retry");
      lane.queue.push({ ...entry, attemptsMade, runAt: Date.now() + delay });
    }
  };

  const enqueue = async (name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> => {
    const lane = lanes.get(name);
    if (!lane) throw new Error(`Unknown job: ${name}`);
    if (stopping) return;
    if (!roles.workers) {
      // Nobody runs jobs in this process; the database holds what matters and a jobs process sweeps it.
      opts.logger.debug({ job: name }, "no workers in this process: job not queued");
      return;
    }
    if (options.jobId) {
      if (known.has(options.jobId)) return;
      known.add(options.jobId);
    }
    lane.queue.push({ name, payload, jobId: options.jobId, attemptsMade: 0, runAt: Date.now() + (options.delayMs ?? 0) });
    if (started) schedulePump(Date.now() + (options.delayMs ?? 0));
  };

  const ctx: JobContext = { deps: opts.deps, senders: opts.senders, enqueue, logger: opts.logger, workerId };

  const armSchedule = (def: JobDefinition<any>) => {
    const schedule = def.schedule;
    if (!schedule) return;
    const jobId = `sched-${def.name}`;
    if ("every" in schedule) {
      const tick = () => {
        if (stopping) return;
        void enqueue(def.name, {}, { jobId });
        later(schedule.every, tick);
      };
      tick();
      return;
    }
    const arm = () => {
      if (stopping) return;
      const at = nextFireTime(schedule.pattern, schedule.tz, new Date());
      const fire = () => {
        if (stopping) return;
        if (Date.now() < at.getTime()) return later(at.getTime() - Date.now(), fire); // a long wait, re-armed
        void enqueue(def.name, {}, { jobId });
        arm();
      };
      later(at.getTime() - Date.now(), fire);
    };
    arm();
  };

  return {
    kind: "in-process",
    start: async () => {
      if (started) return;
      started = true;
      if (roles.workers && roles.schedules) for (const lane of lanes.values()) armSchedule(lane.def);
      pump();
    },
    stop: async () => {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
    enqueue,
  };
};
