// Receiving through the national document interchange (trục liên thông, docs/EDXML.md): each package
// listed for us is downloaded (its original bytes kept), parsed with bounded limits, its attachments run
// through the intake checks, and it is registered as an incoming document — and only then the axis hears
// `updateStatus done`. Idempotent: one InterchangePackage row per axis docId, written in the registration's
// own transaction, so a package listed twice, or a crash between the write and `done`, gives one record
// (the next poll finds the row and only repeats the answer).
//
// Decisions (issue 19):
// - The organisation file's `interchange.register` decides what a package that passes the checks becomes.
//   `card` (the default): it is stored (original bytes, attachments, parsed envelope) as a PENDING package,
//   answered 01, and the register clerks get a card: Vào sổ (/ok LT5) registers it, Trả lại (/tralai LT5
//   lý do) returns it with 02 (./decide-package.ts). `direct`: registered straight away by the agency's
//   clerk (the first active CLERK of the office, by code), 01 and 03 at once.
// - A refused package (malformed, no main file, a file type or a file the intake refuses) stores nothing
//   but its refusal row. When its envelope could be read, status 02 with the reason goes back and the axis
//   hears `done` (we took it; our answer is the 02); when it could not (the sender's document cannot be
//   named), the axis hears `fail`. Either way the office (MONITOR users) is told, and polling goes on.
// - The same document (sender OrganId + số/ký hiệu + date) under a second docId becomes a DUPLICATE row
//   pointing at the first, with no second document; the axis hears `done`.
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { t } from "../messages/index.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { validateUpload } from "../pdf/validate-upload.ts";
import { registerIncomingDocument, ZRegisterIncomingInput, type RegisterIncomingInput } from "../documents/register-incoming-document.ts";
import { writeDocumentText } from "../documents/store-document-text.ts";
import { OcrError } from "../ocr/ocr-error.ts";
import { readPdfTextLayer } from "../ocr/text-layer.ts";
import type { InterchangeTransport, ReceivedPackage } from "../ports/interchange-transport.ts";
import { InterchangeError } from "../ports/interchange-transport.ts";
import type { Tx } from "../store/tx.ts";
import { formatLocalDate, localDateOf, localDateToUtcMidnight } from "../time.ts";
import { createDirectorySink, type StoredFile } from "./directory-sink.ts";
import { EdxmlError } from "./edxml-error.ts";
import { parseEdxmlPackage } from "./edxml-parse.ts";
import { edxmlRefusalMessage } from "./edxml-refusal.ts";
import type { EdxmlMessageHeader, EdxmlPackage } from "./edxml-types.ts";
import { enqueueInterchangeStatus } from "./enqueue-status.ts";
import { urgencyOfPriority, type HeldFiles } from "./pending-package.ts";

export { urgencyOfPriority };
import { isStatusMessage, receiveOutgoingStatus, type OutgoingStatusOutcome } from "./send-statuses.ts";
import { isUniqueViolation } from "../store/unique-violation.ts";

/** What the receiving side needs besides the core deps. */
export type InterchangeReceiver = {
  transport: InterchangeTransport;
  /** Where packages are downloaded and unpacked while they are checked (removed afterwards). */
  tmpDir: string;
};

/** What happened to one listed package. */
export type ReceiveOutcome =
  | { docId: string; outcome: "registered"; documentId: string; ref: string; packageId: string }
  /** Card mode: stored and answered 01; waits on the register clerks' card (`LT<number>`). */
  | { docId: string; outcome: "pending"; packageId: string; number: number }
  | { docId: string; outcome: "refused"; packageId: string; reasonKey: string; reason: string; answered: "done" | "fail" }
  | { docId: string; outcome: "duplicate"; packageId: string; duplicateOfId: string }
  /** Already recorded by an earlier poll: only the answer to the axis was repeated. */
  | { docId: string; outcome: "already"; packageId: string }
  /** A status message about one of our outgoing documents, listed with the packages: routed to ./send-statuses.ts. */
  | { docId: string; outcome: "status"; status: OutgoingStatusOutcome }
  /** Nothing recorded (the axis could not be reached, no clerk): the package stays on the axis for the next poll. */
  | { docId: string; outcome: "skipped"; error: string };

/** The clerk in whose name packages are registered: the first active CLERK of an office or leadership unit. */
const findInterchangeClerk = async (deps: CoreDeps) =>
  deps.prisma.user.findFirst({
    where: { active: true, roles: { has: "CLERK" }, unit: { kind: { in: ["OFFICE", "LEADERSHIP"] } } },
    orderBy: [{ org: { createdAt: "asc" } }, { code: "asc" }],
    select: { id: true, orgId: true },
  });

/** Polls the list once and receives every package on it; one package's trouble never stops the others. */
export const pollInterchange = async (deps: CoreDeps, receiver: InterchangeReceiver): Promise<ReceiveOutcome[]> => {
  const listed = await receiver.transport.listReceived("edoc");
  const outcomes: ReceiveOutcome[] = [];
  for (const item of listed) outcomes.push(await receiveInterchangePackage(deps, receiver, item));
  return outcomes;
};

/** Tells the axis what became of a recorded package, and records that it heard it (a failure is retried by the next poll). */
const answerAxis = async (deps: CoreDeps, receiver: InterchangeReceiver, packageId: string, docId: string, answer: "done" | "fail"): Promise<boolean> => {
  try {
    await receiver.transport.updateStatus(docId, answer);
  } catch (err) {
    if (err instanceof InterchangeError) return false;
    throw err;
  }
  await deps.prisma.interchangePackage.update({ where: { id: packageId }, data: { axisAnswer: answer, axisAnsweredAt: deps.clock.now() } });
  return true;
};

const answerFor = (state: string, hasReturnStatus: boolean): "done" | "fail" => (state === "REFUSED" && !hasReturnStatus ? "fail" : "done");

/**
 * Receives one listed package: records it exactly once and answers the axis.
 *
 * @example
 * for (const item of await transport.listReceived("edoc")) await receiveInterchangePackage(deps, { transport, tmpDir }, item);
 */
export const receiveInterchangePackage = async (deps: CoreDeps, receiver: InterchangeReceiver, item: ReceivedPackage): Promise<ReceiveOutcome> => {
  const { docId } = item;
  const existing = await deps.prisma.interchangePackage.findUnique({
    where: { axisDocId: docId },
    select: { id: true, state: true, _count: { select: { statuses: { where: { statusCode: "02" } } } } },
  });
  if (existing) {
    // Recorded by an earlier poll (its `done` was lost, or the axis lists it again): answer again only.
    await answerAxis(deps, receiver, existing.id, docId, answerFor(existing.state, existing._count.statuses > 0));
    return { docId, outcome: "already", packageId: existing.id };
  }
  const clerk = await findInterchangeClerk(deps);
  if (!clerk) return { docId, outcome: "skipped", error: "no active CLERK of an OFFICE or LEADERSHIP unit to register interchange packages: import the organisation file" };

  const dir = path.join(receiver.tmpDir, `axis-${docId.replace(/[^\w.-]/g, "_")}-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  try {
    const originalPath = path.join(dir, "package.xml");
    let pkg: EdxmlPackage<StoredFile>;
    try {
      pkg = await parseEdxmlPackage(tee(await receiver.transport.fetch(docId), createWriteStream(originalPath)), {
        sink: createDirectorySink(path.join(dir, "attachments")),
        maxAttachmentBytes: deps.settings.maxUploadBytes,
      });
    } catch (err) {
      if (err instanceof EdxmlError) {
        // A status message listed with the packages (a platform that does not separate them): it answers
        // one of our outgoing documents, so it goes to their statuses (./send-statuses.ts), not refused.
        if (err.code === "missing:MessageHeader") {
          const bytes = new Uint8Array(await readFile(originalPath));
          if (await isStatusMessage(bytes)) return { docId, outcome: "status", status: await receiveOutgoingStatus(deps, receiver, item, bytes) };
        }
        const { key, params } = edxmlRefusalMessage(err);
        return await refuse(deps, receiver, { docId, orgId: clerk.orgId, listedFrom: item.from, header: err.header, reasonKey: key, reason: t("vi", key, params) });
      }
      // The download broke off or the axis failed: nothing recorded, the package is fetched again next time.
      if (err instanceof InterchangeError) return { docId, outcome: "skipped", error: err.message };
      throw err;
    }
    const header = pkg.header;

    // === The intake checks, on every attachment, before anything is stored
    const files: { bytes: Uint8Array; name: string; contentType: string }[] = [];
    for (const [i, attachment] of pkg.attachments.entries()) {
      const bytes = new Uint8Array(await readFile(attachment.stored.path));
      try {
        await validateUpload({ bytes, fileName: attachment.name, mimeHint: attachment.contentType }, { limits: { maxBytes: deps.settings.maxUploadBytes } });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const reason = t("vi", "interchange.refused.intake", { element: `${attachment.name} (Attachment[${i + 1}])`, reason: t("vi", err.messageKey, err.params) });
        return await refuse(deps, receiver, { docId, orgId: clerk.orgId, listedFrom: item.from, header, reasonKey: "interchange.refused.intake", reason });
      }
      files.push({ bytes, name: attachment.name, contentType: attachment.contentType });
    }

    // === The same document already arrived under another docId
    const key = {
      fromOrganId: header.from.organId,
      codeNumber: header.code.codeNumber,
      codeNotation: header.code.codeNotation,
      promulgationDate: localDateToUtcMidnight(header.promulgationInfo.promulgationDate),
    };
    // A recalled one (./receive-recall.ts) lets go of its key: the sender may send it again, corrected.
    await deps.prisma.interchangePackage.updateMany({ where: { ...key, state: "RECALLED" }, data: { codeNumber: null, codeNotation: null, promulgationDate: null } });
    const same = await deps.prisma.interchangePackage.findFirst({ where: { ...key, state: { in: ["REGISTERED", "PENDING"] } }, select: { id: true } });
    if (same) return await recordDuplicate(deps, receiver, { docId, orgId: clerk.orgId, header, duplicateOfId: same.id });

    // The blobs go to the content-addressed store first: a crash before the transaction leaves unreferenced
    // blobs (harmless), never a row pointing at nothing.
    const original = await deps.files.put(createReadStream(originalPath));

    // The envelope's values must fit the register now, not only when a clerk presses Vào sổ.
    const fits = ZRegisterIncomingInput.safeParse(registrationInputOf(clerk.id, header, files[0]!));
    if (!fits.success) {
      const detail = fits.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      const reason = t("vi", "interchange.refused.metadata", { reason: t("vi", "error.validation", { detail }) });
      return await refuse(deps, receiver, { docId, orgId: clerk.orgId, listedFrom: item.from, header, reasonKey: "interchange.refused.metadata", reason });
    }

    // === Card mode: store it, answer 01, and let the register clerks decide
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: clerk.orgId }, select: { interchangeRegister: true } });
    if (org.interchangeRegister === "CARD") return await holdForCard(deps, receiver, { docId, orgId: clerk.orgId, header, key, original, files });

    // === Direct mode: register (document, files, package row and statuses 01 and 03 in one transaction)
    const appendices: { bytes: Uint8Array; name: string; contentType: string; stored: { sha256: string; size: number } }[] = [];
    for (const file of files.slice(1)) appendices.push({ ...file, stored: await deps.files.put(file.bytes) });
    const main = files[0]!;
    // A main PDF with a text layer (made by a word processor, as most interchange documents are): its
    // text is kept for /tim, in the registration's transaction. No OCR here: image pages are left.
    const mainText = await textLayerOf(main.bytes);
    const input = registrationInputOf(clerk.id, header, main);
    let packageId = "";
    let result;
    try {
      result = await registerIncomingDocument(deps, input, {
        inTransaction: async (tx, created) => {
          await tx.storedFile.create({
            data: {
              sha256: original.sha256,
              size: original.size,
              mime: "application/xml",
              kind: "PACKAGE",
              fileName: `edxml-${docId}.xml`,
              documentId: created.documentId,
              createdAt: created.now,
            },
          });
          for (const a of appendices)
            await tx.storedFile.create({
              data: {
                sha256: a.stored.sha256,
                size: a.stored.size,
                mime: a.contentType,
                kind: "APPENDIX",
                fileName: a.name,
                documentId: created.documentId,
                createdAt: created.now,
              },
            });
          const row = await tx.interchangePackage.create({
            data: {
              orgId: created.orgId,
              axisDocId: docId,
              ...key,
              fromOrganName: header.from.organName ?? null,
              edxmlDocumentId: header.documentId ?? null,
              state: "REGISTERED",
              documentId: created.documentId,
              receivedAt: created.now,
            },
            select: { id: true },
          });
          packageId = row.id;
          if (mainText) await writeDocumentText(tx, { documentId: created.documentId, text: mainText, source: "TEXT_LAYER" });
          const about = { packageId: row.id, header };
          await enqueueInterchangeStatus(tx, created.now, { ...about, statusCode: "01", description: t("vi", "interchange.status.01") });
          await enqueueInterchangeStatus(tx, created.now, {
            ...about,
            statusCode: "03",
            description: t("vi", "interchange.status.03", { number: created.registerNumber, date: formatLocalDate(localDateOf(created.now, deps.settings.officeTimeZone)) }),
          });
        },
      });
    } catch (err) {
      // Another poll recorded the same docId (or the same document) meanwhile: its transaction won, ours rolled back whole.
      if (isUniqueViolation(err) || (err instanceof DomainError && isUniqueViolation(err.cause))) {
        const winner = await deps.prisma.interchangePackage.findUnique({ where: { axisDocId: docId }, select: { id: true } });
        if (winner) return { docId, outcome: "already", packageId: winner.id };
        const sameDoc = await deps.prisma.interchangePackage.findFirst({ where: { ...key, state: { in: ["REGISTERED", "PENDING"] } }, select: { id: true } });
        if (sameDoc) return await recordDuplicate(deps, receiver, { docId, orgId: clerk.orgId, header, duplicateOfId: sameDoc.id });
      }
      if (err instanceof DomainError) {
        // The registration refused the envelope's values (e.g. a field longer than the register allows).
        const reason = t("vi", "interchange.refused.metadata", { reason: t("vi", err.messageKey, err.params) });
        return await refuse(deps, receiver, { docId, orgId: clerk.orgId, listedFrom: item.from, header, reasonKey: "interchange.refused.metadata", reason });
      }
      throw err;
    }
    await answerAxis(deps, receiver, packageId, docId, "done");
    return { docId, outcome: "registered", documentId: result.documentId, ref: result.ref, packageId };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** The usable text layer of a PDF's pages, in order; null for an image or a PDF without one. */
export const textLayerOf = async (bytes: Uint8Array): Promise<string | null> => {
  if (!Buffer.from(bytes.subarray(0, 1024)).includes("%PDF-")) return null;
  try {
    const layer = await readPdfTextLayer({ bytes });
    const text = [...layer.pages.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, t]) => t)
      .join("\n\n");
    return text === "" ? null : text;
  } catch (err) {
    // The file passed the intake checks; a PDF poppler cannot open just has no text to keep.
    if (err instanceof OcrError) return null;
    throw err;
  }
};

/**
 * What the registration of a package's document is given: every field from the envelope, the main file.
 * The same for direct mode and for /ok on the card.
 */
export const registrationInputOf = (actorUserId: string, header: EdxmlMessageHeader, main: { bytes: Uint8Array; name: string; contentType: string }): RegisterIncomingInput => ({
  actorUserId,
  docType: header.documentType?.typeName ?? "Công văn",
  codeNumber: header.code.codeNumber,
  codeNotation: header.code.codeNotation,
  issuer: header.from.organName ?? header.from.organId,
  issuerOrganId: header.from.organId,
  issuedDate: header.promulgationInfo.promulgationDate,
  subject: header.subject,
  urgency: urgencyOfPriority(header.otherInfo?.priority),
  ...(header.signerInfo?.fullName ? { signerName: header.signerInfo.fullName } : {}),
  ...(signerTitle(header) ? { signerTitle: signerTitle(header) } : {}),
  ...(header.content ? { description: header.content } : {}),
  ...(header.toPlaces.length > 0 ? { toPlaces: header.toPlaces.join("\n") } : {}),
  ...(header.dueDate ? { requestedDueDate: header.dueDate } : {}),
  files: [{ bytes: main.bytes, fileName: main.name, mimeHint: main.contentType }],
});

/** The agency's register clerks: active CLERKs of an office or leadership unit. */
export const registerClerksWhere = (orgId: string) => ({
  orgId,
  active: true,
  roles: { has: "CLERK" as const },
  unit: { kind: { in: ["OFFICE" as const, "LEADERSHIP" as const] } },
});

/**
 * Card mode: the package that passed the checks is stored whole (original, attachments, parsed envelope)
 * as PENDING, answered 01, and each register clerk gets its card; then the axis hears `done`.
 */
const holdForCard = async (
  deps: CoreDeps,
  receiver: InterchangeReceiver,
  r: {
    docId: string;
    orgId: string;
    header: EdxmlMessageHeader;
    key: { fromOrganId: string; codeNumber: string; codeNotation: string; promulgationDate: Date };
    original: { sha256: string; size: number };
    files: { bytes: Uint8Array; name: string; contentType: string }[];
  },
): Promise<ReceiveOutcome> => {
  const held: HeldFiles = { original: { sha256: r.original.sha256, size: r.original.size }, attachments: [] };
  for (const f of r.files) {
    const stored = await deps.files.put(f.bytes);
    held.attachments.push({ sha256: stored.sha256, size: stored.size, name: f.name, contentType: f.contentType });
  }
  const now = deps.clock.now();
  const urgency = urgencyOfPriority(r.header.otherInfo?.priority);
  let row: { id: string; number: number };
  try {
    row = await deps.prisma.$transaction(async (tx) => {
      const created = await tx.interchangePackage.create({
        data: {
          orgId: r.orgId,
          axisDocId: r.docId,
          ...r.key,
          fromOrganName: r.header.from.organName ?? null,
          edxmlDocumentId: r.header.documentId ?? null,
          state: "PENDING",
          envelope: JSON.parse(JSON.stringify(r.header)) as object,
          files: held as unknown as object,
          receivedAt: now,
        },
        select: { id: true, number: true },
      });
      await enqueueInterchangeStatus(tx, now, { packageId: created.id, header: r.header, statusCode: "01", description: t("vi", "interchange.status.01") });
      const clerks = await tx.user.findMany({ where: registerClerksWhere(r.orgId), select: { id: true } });
      await enqueueOutbox(
        tx,
        now,
        clerks.map((c) => ({
          userId: c.id,
          kind: "interchange.toRegister" as const,
          payload: { packageId: created.id },
          dedupeKey: `interchange.toRegister:${created.id}:${c.id}`,
          urgency,
        })),
      );
      return created;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await deps.prisma.interchangePackage.findUnique({ where: { axisDocId: r.docId }, select: { id: true } });
    if (winner) return { docId: r.docId, outcome: "already", packageId: winner.id };
    const sameDoc = await deps.prisma.interchangePackage.findFirst({ where: { ...r.key, state: { in: ["REGISTERED", "PENDING"] } }, select: { id: true } });
    if (sameDoc) return await recordDuplicate(deps, receiver, { docId: r.docId, orgId: r.orgId, header: r.header, duplicateOfId: sameDoc.id });
    throw err;
  }
  await answerAxis(deps, receiver, row.id, r.docId, "done");
  return { docId: r.docId, outcome: "pending", packageId: row.id, number: row.number };
};

const signerTitle = (header: EdxmlMessageHeader): string | undefined => {
  const parts = [header.signerInfo?.competence, header.signerInfo?.position].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(", ").slice(0, 100) : undefined;
};

/** Passes a download through while keeping a copy of its bytes (the original package). */
async function* tee(source: AsyncIterable<Uint8Array>, copy: WriteStream): AsyncGenerator<Uint8Array> {
  let failure: Error | undefined;
  copy.on("error", (err) => {
    failure = err;
  });
  try {
    for await (const chunk of source) {
      if (failure) throw failure;
      if (!copy.write(chunk)) await Promise.race([once(copy, "drain"), once(copy, "error")]);
      yield chunk;
    }
  } finally {
    copy.end();
    if (!copy.closed) await once(copy, "close").catch(() => undefined); // a copy error is kept in `failure`
  }
  if (failure) throw failure;
}

/** Records a refusal (and the 02 when the document can be named), tells the office, answers the axis. */
const refuse = async (
  deps: CoreDeps,
  receiver: InterchangeReceiver,
  r: { docId: string; orgId: string; listedFrom: string; header: EdxmlMessageHeader | undefined; reasonKey: string; reason: string },
): Promise<ReceiveOutcome> => {
  const now = deps.clock.now();
  let packageId: string;
  try {
    packageId = await deps.prisma.$transaction(async (tx) => {
      const row = await tx.interchangePackage.create({
        data: {
          orgId: r.orgId,
          axisDocId: r.docId,
          fromOrganId: r.header?.from.organId ?? r.listedFrom,
          fromOrganName: r.header?.from.organName ?? null,
          edxmlDocumentId: r.header?.documentId ?? null,
          state: "REFUSED",
          refusalKey: r.reasonKey,
          refusalReason: r.reason,
          receivedAt: now,
        },
        select: { id: true },
      });
      if (r.header) await enqueueInterchangeStatus(tx, now, { packageId: row.id, header: r.header, statusCode: "02", description: r.reason });
      await tellOffice(tx, now, r.orgId, row.id);
      return row.id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await deps.prisma.interchangePackage.findUniqueOrThrow({ where: { axisDocId: r.docId }, select: { id: true } });
    return { docId: r.docId, outcome: "already", packageId: winner.id };
  }
  const answered = r.header ? "done" : "fail";
  await answerAxis(deps, receiver, packageId, r.docId, answered);
  return { docId: r.docId, outcome: "refused", packageId, reasonKey: r.reasonKey, reason: r.reason, answered };
};

const recordDuplicate = async (
  deps: CoreDeps,
  receiver: InterchangeReceiver,
  r: { docId: string; orgId: string; header: EdxmlMessageHeader; duplicateOfId: string },
): Promise<ReceiveOutcome> => {
  let packageId: string;
  try {
    const row = await deps.prisma.interchangePackage.create({
      data: {
        orgId: r.orgId,
        axisDocId: r.docId,
        fromOrganId: r.header.from.organId,
        fromOrganName: r.header.from.organName ?? null,
        edxmlDocumentId: r.header.documentId ?? null,
        state: "DUPLICATE",
        duplicateOfId: r.duplicateOfId,
        receivedAt: deps.clock.now(),
      },
      select: { id: true },
    });
    packageId = row.id;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await deps.prisma.interchangePackage.findUniqueOrThrow({ where: { axisDocId: r.docId }, select: { id: true } });
    return { docId: r.docId, outcome: "already", packageId: winner.id };
  }
  await answerAxis(deps, receiver, packageId, r.docId, "done");
  return { docId: r.docId, outcome: "duplicate", packageId, duplicateOfId: r.duplicateOfId };
};

/** One `office.interchangeRefused` message to each active MONITOR user of the organisation. */
const tellOffice = async (tx: Tx, now: Date, orgId: string, packageId: string) => {
  const monitors = await tx.user.findMany({ where: { orgId, active: true, roles: { has: "MONITOR" } }, select: { id: true } });
  await enqueueOutbox(
    tx,
    now,
    monitors.map((m) => ({
      userId: m.id,
      kind: "office.interchangeRefused" as const,
      payload: { packageId },
      dedupeKey: `office.interchangeRefused:${packageId}:${m.id}`,
      urgency: "URGENT" as const,
    })),
  );
};
