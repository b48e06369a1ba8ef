import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/** `LOG_FORMAT`: `pretty` (coloured lines), `json` (one object a line), or `auto`: pretty on a terminal, JSON otherwise. */
export type LogFormat = "auto" | "pretty" | "json";

/** pino-pretty, loaded only when a person reads the logs; synchronous, so no line is lost at exit. */
const prettyStream = (): DestinationStream => {
  const pretty = createRequire(import.meta.url)("pino-pretty") as (options: Record<string, unknown>) => DestinationStream;
  return pretty({ colorize: Boolean(process.stdout.isTTY), sync: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" });
};

/**
 * One structured logger (level and format from LOG_LEVEL and LOG_FORMAT, app/config.ts); modules take a child with their namespace (`bot:telegram`, `jobs:deliver`).
 * Lines are pretty on a terminal and JSON otherwise (a pipe, a log collector, or `LOG_FORMAT=json`).
 */
export const createLogger = (level: string = "info", format: LogFormat = "auto"): Logger => {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } };
  const pretty = format === "pretty" || (format === "auto" && Boolean(process.stdout.isTTY));
  return pretty ? pino(options, prettyStream()) : pino(options);
};
