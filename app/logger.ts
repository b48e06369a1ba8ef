import pino, { type Logger } from "pino";

export type { Logger };

/** One structured logger; modules take a child with their namespace (`bot:telegram`, `jobs:deliver`). */
export const createLogger = (level: string = "info"): Logger =>
  pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } });
