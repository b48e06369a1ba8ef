import { DEFAULT_SETTINGS, silentLogger, type CoreDeps, type CoreLogger, type CoreSettings } from "../../core/deps.ts";
import { createMemoryFileStore } from "../../core/files/file-store.ts";
import type { FileStore } from "../../core/files/file-store.ts";
import type { Db } from "../../core/store/client.ts";

/** A clock the test moves by hand. */
export type TestClock = { now(): Date; set(at: Date | string): void; advance(ms: number): void };

export const createTestClock = (start: Date | string = "2026-12-01T02:00:00Z"): TestClock => {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
};

export type LogEntry = { level: "debug" | "info" | "warn" | "error"; obj: object; msg: string | undefined };
/** A logger that keeps what it is given, for tests that assert a failure was reported. */
export type RecordingLogger = CoreLogger & { entries: LogEntry[] };

export const createRecordingLogger = (): RecordingLogger => {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
};

export const createTestDeps = (
  prisma: Db,
  opts: { clock?: TestClock; settings?: Partial<CoreSettings>; files?: FileStore; logger?: CoreLogger } = {},
): CoreDeps & { clock: TestClock } => ({
  prisma,
  logger: opts.logger ?? silentLogger,
  clock: opts.clock ?? createTestClock(),
  files: opts.files ?? createMemoryFileStore(),
  settings: { ...DEFAULT_SETTINGS, ...opts.settings },
});
