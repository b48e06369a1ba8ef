// How many large files this process holds in memory at once (issue 20: six 49 MB uploads checked
// together took +300 MB). Parsing a PDF (the arrival check, the stamp) needs its bytes whole, and
// pdf-lib adds its own copies; a file above the threshold waits for a slot, so six concurrent 49 MB
// uploads are read and checked one after the other while small files never wait.

/** A counting semaphore for files at or above a size. */
export type LargeFileGate = {
  /**
   * Runs `fn` — which reads `bytes` bytes into memory — once a slot is free; a file under the
   * threshold runs at once. Slots are handed out in arrival order.
   */
  run<T>(bytes: number, fn: () => Promise<T>): Promise<T>;
  /** Large files in memory now. */
  active(): number;
  /** Large files waiting for a slot. */
  waiting(): number;
};

export type LargeFileGateOptions = {
  /** Files of at least this many bytes take a slot. @defaultValue 8 MiB */
  thresholdBytes?: number;
  /** Large files at once. @defaultValue 1 */
  slots?: number;
};

export const createLargeFileGate = ({ thresholdBytes = 8 * 1024 * 1024, slots = 1 }: LargeFileGateOptions = {}): LargeFileGate => {
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`large-file gate: slots must be a positive integer, got ${slots}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (active < slots && queue.length === 0) {
      active += 1;
      return;
    }
    // The releasing run hands its slot over directly (`active` stays counted).
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active -= 1;
  };
  return {
    async run(bytes, fn) {
      if (bytes < thresholdBytes) return fn();
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    active: () => active,
    waiting: () => queue.length,
  };
};

/** The process-wide gate: every path that holds a whole upload in memory goes through it. */
export const largeFileGate: LargeFileGate = createLargeFileGate();
