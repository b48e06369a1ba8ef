// One interface over the two runners: BullMQ on Redis when REDIS_URL is set, in-process timers
// otherwise. Both run the same JobDefinitions (jobs/definition.ts).
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import type { Channel, CoreDeps, Sender } from "../core/index.ts";
import type { EnqueueOptions, JobDefinition, JobLogger } from "./definition.ts";


export type JobRunner = {
  readonly kind: "bullmq" | "in-process";
  /** Creates queues, registers schedules (role `schedules`) and starts workers (role `workers`). */
  start(): Promise<void>;
  /** Graceful: stops taking jobs, waits for the active ones, then closes queues and connections. */
  stop(): Promise<void>;
  /** Adds a job by definition name. With a `jobId`, a job already queued under that id is not added again. */
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  /** The BullMQ queues (for the dashboard); absent on the in-process runner. */
  queues?(): import("bullmq").Queue[];
};

/**
 * What this process does with jobs:
 * - `workers`: runs job handlers;
 * - `schedules`: registers the repeating jobs (sweeps, digests).
 * A process with neither only enqueues (a bots-only process on Redis).
 */
export type JobRunnerRoles = { workers: boolean; schedules: boolean };

/** `edoc serve --role bots|jobs|all` → job roles: bots enqueue only; jobs and all run workers and schedules. */
export const rolesForServe = (role: "bots" | "jobs" | "all"): JobRunnerRoles =>
  role === "bots" ? { workers: false, schedules: false } : { workers: true, schedules: true };

export type RateLimit = { max: number; duration: number };

export type CreateJobRunnerOptions = {
  /** Redis for BullMQ; unset → the in-process runner. */
  redisUrl?: string | undefined;
  definitions: readonly JobDefinition<any>[];
  deps: CoreDeps;
  /** Configured channel senders (wrap them with `pacedSenders` from jobs/pacing.ts). */
  senders: Partial<Record<Channel, Sender>>;
  logger: JobLogger;
  /** @defaultValue { workers: true, schedules: true } */
  roles?: JobRunnerRoles;
  /** BullMQ key prefix (tests use a unique one). @defaultValue "edoc" */
  prefix?: string;
  /** Parallel jobs per definition name. @defaultValue DEFAULT_CONCURRENCY, else 1 */
  concurrency?: Record<string, number>;
  /** Rate limits per definition name (whole queue, across workers on Redis). @defaultValue DEFAULT_LIMITERS */
  limiters?: Record<string, RateLimit>;
  /** Names this worker in logs and outbox claims. @defaultValue `<host>/<pid>` */
  workerId?: string;
};

/** Deliveries run in parallel; everything else one at a time. */
export const DEFAULT_CONCURRENCY: Record<string, number> = { "outbox.deliver": 5 };
/**
 * No queue is rate-limited by default: the delivery queue carries every channel, so a limit there
 * would cap Zalo and the web chat at Telegram's rate. Each platform is paced by its sender
 * (jobs/pacing.ts).
 */
export const DEFAULT_LIMITERS: Record<string, RateLimit> = {};
/** Retries when a definition names none. */
export const DEFAULT_RETRY = { attempts: 5, backoffMs: 2_000 };

export const defaultWorkerId = (): string => `${hostname()}/${process.pid}`;

/**
 * Names this service on this machine, the same across restarts: `<host>~<hash of DATA_DIR>`. Outbox
 * claims carry it (`<instance>/<pid>#…`), so a restarted jobs process finds and releases the claims its
 * killed predecessor held (core/outbox/release-abandoned-claims.ts). Replicas need distinct host names
 * (Docker and Kubernetes give each container its own).
 */
export const serviceInstanceId = (dataDir: string): string => `${hostname()}~${createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 8)}`;

/** Whether process `pid` on this machine is gone; this process's own pid counts as gone (an earlier life in a container restarted with the same pid). */
export const isProcessGone = (pid: number): boolean => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code !== "EPERM";
  }
};

/** Picks the runner: BullMQ when `redisUrl` is set, in-process otherwise. */
export const createJobRunner = async (opts: CreateJobRunnerOptions): Promise<JobRunner> => {
  if (opts.redisUrl) {
    const { createBullmqRunner } = await import("./bullmq-runner.ts");
    return createBullmqRunner({ ...opts, redisUrl: opts.redisUrl });
  }
  const { createInProcessRunner } = await import("./in-process-runner.ts");
  return createInProcessRunner(opts);
};
