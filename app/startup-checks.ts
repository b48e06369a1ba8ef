// What `edoc serve` checks before it opens anything: a port in use or an unreachable Redis stops it
// with one line naming the variable, before the database is created, migrated or checkpointed.
import { createServer } from "node:net";
import type { Config } from "./config.ts";

/** A start-up problem the operator fixes outside the code: printed as its message alone, no stack. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

const CHECK_TIMEOUT_MS = 5_000;

const codeOf = (err: unknown): string => String((err as { code?: unknown })?.code ?? "");

/** HTTP_PORT/HTTP_HOST as a StartupError, for a listen that failed with `err` (null when it is not about the address). */
export const listenProblem = (err: unknown, port: number, host: string): StartupError | null => {
  const code = codeOf(err);
  if (code === "EADDRINUSE")
    return new StartupError(`HTTP_PORT ${port}: the port is already in use on ${host} (is edoc already running?). Stop what uses it, or set HTTP_PORT to a free port.`);
  if (code === "EACCES")
    return new StartupError(`HTTP_PORT ${port}: not allowed to listen on ${host}:${port} (EACCES; ports below 1024 need privileges). Set HTTP_PORT to 1024 or above.`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new StartupError(`HTTP_HOST ${host}: not an address of this machine (${code}). Set HTTP_HOST to one of its addresses, or 0.0.0.0.`);
  return null;
};

/** Throws a StartupError when HTTP_PORT cannot be listened on (port 0, "any free port", always can). */
const checkPort = async (port: number, host: string): Promise<void> => {
  if (port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => resolve());
  }).catch((err: unknown) => {
    throw listenProblem(err, port, host) ?? err;
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
};

const redisAddress = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "the given address";
  }
};

/** Throws a StartupError when REDIS_URL is set and Redis does not answer PING within a few seconds. */
const checkRedis = async (url: string): Promise<void> => {
  const { Redis } = await import("ioredis");
  // One attempt, no retry: BullMQ's own connections retry forever, which at start-up looks like a hang.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: CHECK_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than the rejected connect ("Connection is closed.").
  let socketError: unknown;
  redis.on("error", (err: unknown) => (socketError ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const cause = socketError ?? err;
    const reason = codeOf(cause) || (cause instanceof Error ? cause.message.split("\n")[0]!.slice(0, 200) : String(cause));
    throw new StartupError(
      `REDIS_URL: cannot connect to Redis at ${redisAddress(url)} (${reason}). Check that Redis runs and the URL is right, or unset REDIS_URL to run the jobs in-process.`,
    );
  } finally {
    redis.disconnect();
  }
};

/** The checks `edoc serve` runs before it touches DATA_DIR or the database. */
export const checkStartup = async (config: Config): Promise<void> => {
  await checkPort(config.HTTP_PORT, config.HTTP_HOST);
  if (config.REDIS_URL) await checkRedis(config.REDIS_URL);
};
