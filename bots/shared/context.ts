// What every feature handler gets for one turn of a linked person.
import type { Actor, Locale } from "../../core/index.ts";
import type { Conversation } from "./conversation.ts";
import type { LocalDate } from "./text/index.ts";
import type { BotEnv, IncomingTurn } from "./types.ts";

export type TurnContext = {
  env: BotEnv;
  turn: IncomingTurn;
  actor: Actor;
  locale: Locale;
  /** Today in the office's time zone. */
  today: LocalDate;
  conversation: Conversation;
};

/** `{ year, month, day }` → `YYYY-MM-DD` (core's local dates). */
export const isoDate = (d: LocalDate): string => `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/** `YYYY-MM-DD` → `{ year, month, day }`. */
export const parseIsoDate = (s: string): LocalDate => {
  const [year, month, day] = s.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};
