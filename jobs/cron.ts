// Next fire time of a cron pattern in an office time zone, for the in-process runner. Same library
// (cron-parser) and pattern dialect as BullMQ's job schedulers: 5 fields, or 6 with seconds first.
import { CronExpressionParser } from "cron-parser";

/**
 * The first instant strictly after `after` matching `pattern` in zone `tz`.
 *
 * @example nextFireTime("0 30 7 * * 1-5", "Asia/Ho_Chi_Minh", new Date("2026-12-04T01:00:00Z")) // Mon 2026-12-07T00:30:00Z
 */
export const nextFireTime = (pattern: string, tz: string, after: Date): Date => CronExpressionParser.parse(pattern, { currentDate: after, tz }).next().toDate();
