import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { CoreDeps } from "../deps.ts";
import type { StoredFile } from "../files/file-store.ts";

export type StampedCopy = { sha256: string; size: number; fileId: string };

/** "TCKH (chủ trì); TP, VP (phối hợp); NB (nhận để biết)" from the current directive's assignments. */
export const routingText = (assignments: { role: "MAIN" | "COORDINATE" | "INFO"; unitCode: string }[]): string => {
  const part = (role: "MAIN" | "COORDINATE" | "INFO", label: string) => {
    const codes = assignments.filter((a) => a.role === role).map((a) => a.unitCode);
    return codes.length ? `${codes.join(", ")} (${label})` : null;
  };
  return [part("MAIN", "chủ trì"), part("COORDINATE", "phối hợp"), part("INFO", "nhận để biết")].filter(Boolean).join("; ");
};

/** "05-VP; 12-TCKH": the case files holding the document (Số và ký hiệu hồ sơ), in the order it was filed. */
export const caseFileText = (files: { code: string }[]): string => files.map((f) => f.code).join("; ");

/**
 * Returns the document's current stamped copy, making it from the untouched original when there is
 * none yet or when `restamp` is set (after a directive: the "Chuyển" line shows the routing; after
 * filing: the "Số và ký hiệu HS" line shows the case file).
 * Returns null for a document without a scan. Idempotent; safe to call after a crash.
 */
export const ensureStampedCopy = async (deps: CoreDeps, documentId: string, { restamp = false } = {}): Promise<StampedCopy | null> => {
  const doc = await deps.prisma.document.findUniqueOrThrow({
    where: { id: documentId },
    select: {
      registerNumber: true,
      arrivalAt: true,
      createdAt: true,
      isPaperOnly: true,
      org: { select: { name: true, timeZone: true } },
      files: { where: { kind: { in: ["ORIGINAL", "STAMPED"] } }, orderBy: { createdAt: "desc" }, select: { id: true, kind: true, sha256: true, size: true, fileName: true } },
    },
  });
  if (doc.isPaperOnly) return null;
  const original = doc.files.find((f) => f.kind === "ORIGINAL");
  if (!original) return null;
  const current = doc.files.find((f) => f.kind === "STAMPED");
  if (current && !restamp) return { sha256: current.sha256, size: current.size, fileId: current.id };

  const directive = await deps.prisma.directive.findFirst({
    where: { documentId, supersededBy: null },
    orderBy: { createdAt: "desc" },
    select: { assignments: { where: { parentId: null, status: { not: "CANCELLED" } }, select: { role: true, unit: { select: { code: true } } } } },
  });
  const routing = directive ? routingText(directive.assignments.map((a) => ({ role: a.role, unitCode: a.unit.code }))) : undefined;
  const filed = await deps.prisma.caseFileDocument.findMany({ where: { documentId }, orderBy: { addedAt: "asc" }, select: { caseFile: { select: { code: true } } } });
  const caseFile = caseFileText(filed.map((f) => f.caseFile));
  // The stamp's modules (pdf-lib, fontkit when drawn) are loaded by the first stamp, not when the service starts.
  const { stampReceivedFrom } = await import("../pdf/stamp-received.ts");
  // The original goes through a temporary file: the stamp is usually an incremental update that reads
  // a few objects of it by offset and appends a few kilobytes, so a scan's size never sits in memory.
  const dir = await mkdtemp(join(tmpdir(), "edoc-stamp-"));
  let stored: StoredFile;
  try {
    const path = join(dir, "original.pdf");
    await pipeline(await deps.files.read(original.sha256), createWriteStream(path));
    const result = await stampReceivedFrom(
      { path },
      {
        agencyName: doc.org.name,
        registerNumber: doc.registerNumber,
        receivedAt: doc.arrivalAt ?? doc.createdAt,
        timeZone: doc.org.timeZone,
        ...(routing ? { routing } : {}),
        ...(caseFile ? { caseFile } : {}),
      },
    );
    stored = await deps.files.put(
      "rewritten" in result
        ? result.rewritten
        : (async function* () {
            yield* createReadStream(path);
            yield result.appended;
          })(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // One current stamped copy per document: a re-stamp replaces the row (the blob store keeps blobs).
  // Two processes may stamp at once (registration right after its commit, and a worker delivering the
  // leaders' card): the document row is locked while the row is written, and a copy made meanwhile wins
  // unless this is a re-stamp.
  return deps.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "Document" WHERE id = ${documentId} FOR UPDATE`;
    const latest = await tx.storedFile.findFirst({ where: { documentId, kind: "STAMPED" }, orderBy: { createdAt: "desc" }, select: { id: true, sha256: true, size: true } });
    if (latest && !restamp) return { sha256: latest.sha256, size: latest.size, fileId: latest.id };
    const row = latest
      ? await tx.storedFile.update({ where: { id: latest.id }, data: { sha256: stored.sha256, size: stored.size, createdAt: deps.clock.now() }, select: { id: true } })
      : await tx.storedFile.create({
          data: { sha256: stored.sha256, size: stored.size, mime: "application/pdf", kind: "STAMPED", fileName: original.fileName, documentId, createdAt: deps.clock.now() },
          select: { id: true },
        });
    return { sha256: stored.sha256, size: stored.size, fileId: row.id };
  });
};

/**
 * `ensureStampedCopy` after a commit that already stands: a copy that cannot be made (a corrupt or
 * missing original, a full disk) must not undo the registration, directive or filing, so the failure
 * is logged with the document's id and the caller goes on with null (the previous copy, if any, stays).
 */
export const stampOrLog = async (deps: CoreDeps, documentId: string, opts: { restamp?: boolean } = {}): Promise<StampedCopy | null> => {
  try {
    return await ensureStampedCopy(deps, documentId, opts);
  } catch (err) {
    deps.logger.warn({ documentId, restamp: opts.restamp ?? false, err }, "stamped copy not made");
    return null;
  }
};
