// Finding an outgoing document by the reference people type (`P12`, `P12/2025`, `PM3`) or by the
// parsed form the bots produce ({ kind: "OUT", number, year }).
import { z } from "zod";
import { REF_PREFIX, documentRef } from "../documents/refs.ts";

export const ZOutgoingRefInput = z.union([
  z.string().trim().min(2).max(40),
  z.object({
    kind: z.enum(["OUT", "OUT_SECRET"]).default("OUT"),
    number: z.number().int().min(1).max(9_999_999),
    /** Omitted: the current year in the office zone. */
    year: z.number().int().min(1900).max(2100).optional(),
  }),
]);
export type OutgoingRefInput = z.input<typeof ZOutgoingRefInput>;

/** The canonical ref (`P12/2026`) of a typed or parsed outgoing ref; null when it is not one. */
export const canonicalOutgoingRef = (ref: z.output<typeof ZOutgoingRefInput>, currentYear: number): string | null => {
  if (typeof ref !== "string") return documentRef(ref.kind === "OUT_SECRET" ? REF_PREFIX.OUT_SECRET : REF_PREFIX.OUT, ref.number, ref.year ?? currentYear);
  const m = /^(PM|P)\s*0*(\d{1,7})(?:\s*\/\s*(\d{4}))?$/i.exec(ref);
  if (!m) return null;
  return documentRef(m[1]!.toUpperCase(), Number(m[2]), m[3] ? Number(m[3]) : currentYear);
};
