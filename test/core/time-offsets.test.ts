// core/time.ts converts instants and wall clocks with offsets it keeps per zone and 15-minute slot
// (instead of asking Luxon, i.e. Intl, at every call). This compares it with Luxon itself over
// instants spread across years, in zones with daylight saving time (whole-hour, half-hour and
// southern-hemisphere transitions, one at midnight) and without.
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { atLocalTime, endOfLocalDay, localDateOf, localMinuteOfDay, localTimeOf, startOfLocalDay } from "../../core/time.ts";

const ZONES = ["Asia/Ho_Chi_Minh", "UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "America/Havana", "Pacific/Chatham"];

/** A deterministic spread of instants: 2019–2031, odd minutes and milliseconds included. */
const instants = (): Date[] => {
  const out: Date[] = [];
  let t = Date.UTC(2019, 0, 1);
  let step = 0;
  while (t < Date.UTC(2031, 0, 1)) {
    out.push(new Date(t));
    step = (step * 7919 + 104_729) % 1_000_003;
    t += 3 * 3_600_000 + step * 37; // every 3–13 h, drifting through every minute of the hour
  }
  return out;
};

describe("time zone offsets kept per slot agree with Luxon", () => {
  for (const zone of ZONES) {
    it(`reads the wall clock of instants in ${zone} as Luxon does`, () => {
      let checked = 0;
      for (const at of instants()) {
        const dt = DateTime.fromJSDate(at, { zone });
        expect(localDateOf(at, zone)).toBe(dt.toFormat("yyyy-MM-dd"));
        expect(localTimeOf(at, zone)).toBe(dt.toFormat("HH:mm"));
        expect(localMinuteOfDay(at, zone)).toBe(dt.hour * 60 + dt.minute + dt.second / 60 + dt.millisecond / 60_000);
        checked++;
      }
      expect(checked).toBeGreaterThan(10_000);
    });

    it(`finds the instant of a wall clock in ${zone} as Luxon does, away from repeated times`, () => {
      let checked = 0;
      for (const at of instants().filter((_, i) => i % 7 === 0)) {
        const date = localDateOf(at, zone);
        const time = localTimeOf(at, zone);
        const mine = atLocalTime(date, time, zone).getTime();
        const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
        const [h, mi] = time.split(":").map(Number) as [number, number];
        const luxon = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone });
        // A repeated wall clock (clocks turned back) has two instants and Luxon's pick depends on today's offset: skip those.
        const repeated = (ms: number) => DateTime.fromMillis(ms - 4 * 3_600_000, { zone }).offset > DateTime.fromMillis(ms + 4 * 3_600_000, { zone }).offset;
        if (!repeated(luxon.toMillis())) {
          expect(mine).toBe(luxon.toMillis());
          checked++;
        }
        const start = DateTime.fromISO(date, { zone });
        if (!repeated(start.toMillis())) expect(startOfLocalDay(date, zone).getTime()).toBe(start.toMillis());
        const end = start.endOf("day");
        if (!repeated(end.toMillis() + 1)) expect(endOfLocalDay(date, zone).getTime()).toBe(end.toMillis());
      }
      expect(checked).toBeGreaterThan(1_500);
    });
  }

  it("moves a wall clock that a transition skips forward by the gap, as Luxon does", () => {
    // 2026-03-08 02:30 does not exist in New York (02:00 → 03:00).
    expect(atLocalTime("2026-03-08", "02:30", "America/New_York").toISOString()).toBe(
      DateTime.fromObject({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, { zone: "America/New_York" }).toUTC().toISO(),
    );
    expect(localTimeOf(atLocalTime("2026-03-08", "02:30", "America/New_York"), "America/New_York")).toBe("03:30");
  });
});
