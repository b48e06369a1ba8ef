// References as the read side takes them: what the bots' ref parser (bots/shared/text/refs.ts)
// produces, with the year optional (a ref typed without a year means the current year in the office).
import { z } from "zod";
import { REF_PREFIX, documentRef } from "../documents/refs.ts";

/** Which register a ref points into: D (incoming), P (outgoing), M / PM (their secret registers). */
export const ZRefKind = z.enum(["IN", "OUT", "IN_SECRET", "OUT_SECRET"]);
export type RefKind = z.infer<typeof ZRefKind>;

export const ZDocumentRefInput = z.object({
  kind: ZRefKind.default("IN"),
  number: z.number().int().min(1).max(9_999_999),
  /** Omitted: the current year in the office zone. */
  year: z.number().int().min(1900).max(2100).optional(),
});
export type DocumentRefInput = z.input<typeof ZDocumentRefInput>;

export const ZAssignmentRefInput = ZDocumentRefInput.extend({
  unitCode: z.string().trim().min(1).max(50),
  /** A delegation: the officer's user code (`D7-TCKH-cv.tckh` → "cv.tckh"), any case. */
  officerCode: z.string().trim().min(1).max(100).optional(),
});
export type AssignmentRefInput = z.input<typeof ZAssignmentRefInput>;

/** The canonical document ref (`D7/2026`) a parsed ref names. */
export const canonicalDocumentRef = (ref: z.output<typeof ZDocumentRefInput>, currentYear: number): string =>
  documentRef(REF_PREFIX[ref.kind], ref.number, ref.year ?? currentYear);
