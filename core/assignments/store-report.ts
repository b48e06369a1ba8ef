import type { CoreDeps } from "../deps.ts";
import { prepareIncoming } from "../pdf/prepare-incoming.ts";
import type { Tx } from "../store/tx.ts";

export type ReportFileInput = { bytes: Uint8Array; fileName?: string | undefined; mimeHint?: string | undefined };

/**
 * Validates and stores a report's attachment (a PDF, or photos made into one PDF) before the
 * transaction; returns what the transaction records, or null when there is no file.
 */
export const prepareReportFile = async (deps: CoreDeps, files: ReportFileInput[]) => {
  if (files.length === 0) return null;
  const prepared = await prepareIncoming(files, { limits: { maxBytes: deps.settings.maxUploadBytes } });
  const stored = await deps.files.put(prepared.pdf);
  return { ...stored, pageCount: prepared.pageCount };
};

/** Creates the report row (and its file row) inside the transaction. */
export const createReport = async (
  tx: Tx,
  now: Date,
  r: { assignmentId: string; kind: "PROGRESS" | "COMPLETION"; text: string; authorId: string; ref: string; file: Awaited<ReturnType<typeof prepareReportFile>> },
): Promise<string> => {
  const report = await tx.report.create({ data: { assignmentId: r.assignmentId, kind: r.kind, text: r.text, authorId: r.authorId, createdAt: now }, select: { id: true } });
  if (r.file) {
    await tx.storedFile.create({
      data: {
        sha256: r.file.sha256,
        size: r.file.size,
        mime: "application/pdf",
        kind: "REPORT",
        fileName: `${r.ref.replace(/\//g, "-")}-bao-cao.pdf`,
        pageCount: r.file.pageCount,
        reportId: report.id,
        createdAt: now,
      },
    });
  }
  return report.id;
};
