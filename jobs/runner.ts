// One interface over the two runners: BullMQ on Redis when REDIS_URL is set, in-process timers
// otherwise. Both run the same JobDefinitions (jobs/definition.ts).
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import type { CreateJobRunnerOptions, JobRunner } from "./runner-options.ts";

// The interface, options and defaults live in runner-options.ts (the runners import them from there).
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_LIMITERS,
  DEFAULT_RETRY,
  defaultWorkerId,
  rolesForServe,
  type CreateJobRunnerOptions,
  type JobRunner,
  type JobRunnerRoles,
  type RateLimit,
} from "./runner-options.ts";

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
