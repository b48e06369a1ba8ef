// A clock a test can set and move. Core code takes a `Clock` (core/time.ts); give it this one.
import type { Clock } from "../../core/time.ts";

export type FakeClock = Clock & {
  /** Jump to an instant. */
  set(at: Date | string): void;
  /** Move forward (or back, with negative values). */
  advance(by: { ms?: number; minutes?: number; hours?: number; days?: number }): void;
};

/**
 * @example
 * const clock = createFakeClock("2026-02-13T08:00:00Z");
 * clock.advance({ hours: 4 });
 */
export const createFakeClock = (start: Date | string = "2026-01-05T01:00:00Z"): FakeClock => {
  const toMs = (at: Date | string): number => {
    const ms = (typeof at === "string" ? new Date(at) : at).getTime();
    if (Number.isNaN(ms)) throw new Error(`FakeClock: invalid instant ${String(at)}`);
    return ms;
  };
  let current = toMs(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = toMs(at);
    },
    advance: ({ ms = 0, minutes = 0, hours = 0, days = 0 }) => {
      current += ms + minutes * 60_000 + hours * 3_600_000 + days * 86_400_000;
    },
  };
};
