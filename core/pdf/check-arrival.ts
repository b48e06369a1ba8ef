// A file checked the moment it arrives in a conversation, before anything else is asked: empty,
// corrupt, encrypted, oversized, HTML or a decompression bomb is refused at once (the same checks
// as the intake at /ok: ./validate-upload.ts). Nothing is stored here.
import type { CoreDeps } from "../deps.ts";
import { validateUpload, type UploadPart } from "./validate-upload.ts";

/** What the file really is, for the form's label: its type from its bytes, and a PDF's page count. */
export type ArrivedFile = { kind: "pdf" | "jpeg" | "png"; pageCount: number | null };

/**
 * Validates one arriving file with the organisation's upload limit; throws the intake's refusal
 * (a DomainError with an `intake.*` message) for a bad one.
 *
 * @example const { kind, pageCount } = await checkArrivedFile(deps, { bytes, fileName: "congvan.pdf" }) // { kind: "pdf", pageCount: 2 }
 */
export const checkArrivedFile = async (deps: Pick<CoreDeps, "settings">, part: UploadPart): Promise<ArrivedFile> => {
  const v = await validateUpload(part, { limits: { maxBytes: deps.settings.maxUploadBytes } });
  return v.kind === "pdf" ? { kind: "pdf", pageCount: v.pageCount } : { kind: v.kind, pageCount: null };
};
