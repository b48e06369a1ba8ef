import { DEFAULT_SETTINGS, type CoreDeps, type CoreSettings } from "../../core/deps.ts";
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

export const createTestDeps = (
  prisma: Db,
  opts: { clock?: TestClock; settings?: Partial<CoreSettings>; files?: FileStore } = {},
): CoreDeps & { clock: TestClock } => ({
  prisma,
  clock: opts.clock ?? createTestClock(),
  files: opts.files ?? createMemoryFileStore(),
  settings: { ...DEFAULT_SETTINGS, ...opts.settings },
});
