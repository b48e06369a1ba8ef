import { describe, expect, it } from "vitest";
import { nextFireTime } from "../../jobs/cron.ts";

describe("nextFireTime", () => {
  it("evaluates a working-day morning pattern in the office zone", () => {
    // Friday 2026-12-04 08:00 +07:00 → next 07:30 on a weekday is Monday 2026-12-07 07:30 +07:00.
    expect(nextFireTime("0 30 7 * * 1-5", "Asia/Ho_Chi_Minh", new Date("2026-12-04T01:00:00Z")).toISOString()).toBe("2026-12-07T00:30:00.000Z");
    // Thursday 06:00 +07:00 → the same day 07:30.
    expect(nextFireTime("30 7 * * 1-5", "Asia/Ho_Chi_Minh", new Date("2026-12-02T23:00:00Z")).toISOString()).toBe("2026-12-03T00:30:00.000Z");
  });

  it("is strictly after the given instant", () => {
    const at = new Date("2026-12-07T00:30:00.000Z");
    expect(nextFireTime("*/15 * * * *", "Asia/Ho_Chi_Minh", at).toISOString()).toBe("2026-12-07T00:45:00.000Z");
  });
});
