// Line readers and the lines that /dangky and /phathanh share (trích yếu, độ khẩn, độ mật).
import { parseSecrecy, parseUrgency } from "../text/values.ts";
import type { GrammarErrorKey, Secrecy, Urgency } from "../text/values.ts";
import type { LineSpec } from "./keyword-grammar.ts";

type Read<F> = LineSpec<F, unknown>["read"];

/** Keeps the value as typed, trimmed (or tidied by `tidy`): cơ quan, trích yếu. */
export const readAsTyped =
  <F>(field: keyof F, tidy: (value: string) => string = (v) => v.trim()): Read<F> =>
  (value, fields) => {
    (fields as Record<keyof F, unknown>)[field] = tidy(value);
    return null;
  };

/** Reads the value with `parse` (a vocabulary: khẩn, mật, có/không); `error` when it knows no such word. */
export const readWith =
  <F, K extends keyof F>(field: K, parse: (value: string) => F[K] | null, error: GrammarErrorKey): Read<F> =>
  (value, fields) => {
    const v = parse(value);
    if (v === null) return error;
    fields[field] = v;
    return null;
  };

/** trích yếu: verbatim; a following line without a keyword continues it. */
export const subjectLine = <F extends { subject: string }>(): LineSpec<F, unknown> => ({
  keywords: ["trich yeu", "subject"],
  sets: ["subject"],
  continued: true,
  read: readAsTyped<F>("subject"),
});

/** độ khẩn: thường | khẩn | thượng khẩn | hỏa tốc. */
export const urgencyLine = <F extends { urgency: Urgency }>(): LineSpec<F, unknown> => ({
  keywords: ["do khan", "muc do khan", "urgency"],
  sets: ["urgency"],
  read: readWith<F, "urgency">("urgency", parseUrgency as (v: string) => F["urgency"] | null, "grammar.unknownUrgency"),
});

/** độ mật: không | mật | tối mật | tuyệt mật. */
export const secrecyLine = <F extends { secrecy: Secrecy }>(): LineSpec<F, unknown> => ({
  keywords: ["do mat", "muc do mat", "secrecy"],
  sets: ["secrecy"],
  read: readWith<F, "secrecy">("secrecy", parseSecrecy as (v: string) => F["secrecy"] | null, "grammar.unknownSecrecy"),
});
