// What the two job runners share (jobs/runner.ts picks one; jobs/bullmq-runner.ts and
// jobs/in-process-runner.ts implement it): the runner interface, its options and their defaults. A module of
// its own so that the runners do not import runner.ts back (no import cycle); runner.ts re-exports it.
import { hostname } from "node:os";
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
export const rolesForServe = (role: "bots" | "jobs" | "all"): JobRunnerRoles => (role === "bots" ? { workers: false, schedules: false } : { workers: true, schedules: true });

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
