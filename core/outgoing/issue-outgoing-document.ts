// Issuing an outgoing document (phát hành, DOMAIN.md §2 step 4–5 and §3): the clerk registers the
// signed document (a PDF signed by its signer, or a scan of the wet-signed paper original); core gives
// it số đi and ký hiệu, and, when the agency certificate is configured, stamps the agency's seal block
// (a scan becomes a digitised copy, "SAO Y": see core/pdf/seal-stamp.ts) and signs it; then it
// delivers it to the recipient units.
//
// Decisions (see the report of issue "Outgoing documents"):
// - Who issues: the agency's clerks (isAgencyClerk: CLERK of the office or leadership) for any
//   drafting unit of the agency; the CLERK of another unit only documents drafted by their own unit.
//   A unit with its own seal (`Unit.ownSeal`: a ward's or commune's People's Committee) is a cơ
//   quan of its own (Decree 30 Art. 15.1): what it drafts is issued by its own văn thư only (the
//   agency's clerk is refused: the ward's seal is not theirs), in its own series and ký hiệu
//   (`05/UBND`, its `Unit.notation` where the agency's code would go), with the ward as issuer.
// - Series (sổ, core/outgoing/notation.ts `outgoingSeries`): "OUT" for the agency's non-secret
//   documents (công văn and named types share one sequence, the administrative scheme of Art.
//   15.1), "OUT_SECRET" for mật / tối mật / tuyệt mật (own sequence, Art. 15.2), each with ":UNIT"
//   for an own-seal unit; legal normative documents (`normative: true`: Nghị quyết, Quyết định,
//   Thông tư) one series per type and year, `15/2026/QĐ-UBND` (Art. 15.1.a).
// - The REF people type (P12, PM3) is a handle, no longer the số: it comes from one counter per
//   prefix and year over all series ("REF:P", "REF:PM"), so a ward's P-refs never collide with the
//   agency's. The counter starts after the highest number of the "OUT"/"OUT_SECRET" book of the year
//   (refs issued before this rule were those numbers), so while only the agency's ordinary series
//   is used, P12 is still số 12.
// - Two steps so the numbering lock is never held while a PDF is stamped or signed: (1) one
//   transaction numbers the document (status REGISTERED) with its recipients; (2) the sealed copy is
//   made outside any transaction, then a second transaction stores it, marks the document ISSUED and
//   queues the deliveries. A crash between them leaves a numbered REGISTERED document (no gap) that
//   `finishOutgoingIssue` completes; the numbers stay consecutive either way.
// - Red seal (dấu đỏ) and secret documents are paper only: every recipient is a paper recipient,
//   nothing goes out through a chat platform, no sealed copy is made. A secret document's file is
//   refused and never stored.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAgencyClerk, hasRole, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { allocateRefNumber, allocateRegisterNumber } from "../documents/allocate-register-number.ts";
import { REF_PREFIX, displayRef, documentRef } from "../documents/refs.ts";
import { documentSearchText } from "../documents/search-text.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { enqueueOutgoingInterchange } from "../interchange/send-enqueue.ts";
import { prepareIncoming } from "../pdf/prepare-incoming.ts";
// The seal and the signature check (pdf-lib) are loaded by the first issued copy, not when the service starts.
import type { SealForm } from "../pdf/seal-stamp.ts";
import { checkAgencyCertificate, signPdf } from "../pdf/sign-pdf.ts";
import type { AgencyCertificate } from "../pdf/sign-pdf.ts";
import { localDateOf, localDateToUtcMidnight } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { OFFICIAL_LETTER, docTypeAbbreviation, isKnownDocType } from "./doc-types.ts";
import { NORMATIVE_DOC_TYPES, formatOutgoingNumber, isNormativeType, numberAndNotation, outgoingNotation, outgoingSeries } from "./notation.ts";
import { isSecret as isSecretLevel } from "../workflow/state-machine.ts";

// === Input and result

const ZFile = z.object({
  bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, "must be bytes"),
  fileName: z.string().optional(),
  mimeHint: z.string().optional(),
});

export const ZIssueOutgoingInput = z.object({
  actorUserId: z.string().min(1),
  /** Canonical type name (Công văn, Quyết định, …; see core/outgoing/doc-types.ts). */
  docType: z.string().trim().min(1).max(100).default(OFFICIAL_LETTER),
  /** A legal normative document (văn bản quy phạm pháp luật): its own series per type, `15/2026/QĐ-UBND`. */
  normative: z.boolean().default(false),
  /** The drafting unit's code (a công văn's ký hiệu: `12/UBND-VP`); default: the clerk's own unit. */
  draftingUnitCode: z.string().trim().min(1).max(50).optional(),
  /** Trích yếu. */
  subject: z.string().trim().min(1).max(500),
  signerName: z.string().trim().min(1).max(50),
  /** The signer's title with any authority marker ("KT. Chủ tịch, Phó Chủ tịch"). */
  signerTitle: z.string().trim().min(1).max(100),
  urgency: z.enum(["NORMAL", "URGENT", "VERY_URGENT", "FLASH"]).default("NORMAL"),
  secrecy: z.enum(["NONE", "CONFIDENTIAL", "SECRET", "TOP_SECRET"]).default("NONE"),
  /** Dấu đỏ: the document must carry the red seal, so it goes out on paper only. */
  requiresRedSeal: z.boolean().default(false),
  /** Internal recipients: unit codes of the organisation (any case). */
  internalRecipients: z.array(z.string().trim().min(1).max(50)).max(200).default([]),
  /** External recipients: agency names, verbatim. */
  externalRecipients: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
  /** Số lượng bản (paper copies), when the clerk records it. */
  issuedAmount: z.number().int().min(1).max(999).optional(),
  /** Ghi chú. */
  description: z.string().trim().max(500).optional(),
  /** The signed scan: one PDF, or photos of the pages in order. Required unless paper-only. */
  files: z.array(ZFile).default([]),
  /** The agency certificate; without it the seal block is stamped and the copy is not signed. */
  certificate: z.custom<AgencyCertificate>((v) => typeof v === "object" && v !== null && (v as AgencyCertificate).p12 instanceof Uint8Array, "must be a certificate").optional(),
});
export type IssueOutgoingInput = z.input<typeof ZIssueOutgoingInput>;

/** How a recipient gets the document: through its unit heads' chat, or on paper / another channel. */
export type OutgoingDelivery = "ELECTRONIC" | "PAPER" | "EXTERNAL";

export type IssuedRecipient = {
  recipientId: string;
  /** Internal recipients: the unit's code; null for an external agency. */
  unitCode: string | null;
  name: string;
  delivery: OutgoingDelivery;
};

export type IssueOutgoingResult = {
  documentId: string;
  /** Canonical reference, e.g. `P12/2026` (`PM3/2026` for a secret one). */
  ref: string;
  /** As people type it this year, e.g. `P12`. */
  displayRef: string;
  /** The series (see core/outgoing/notation.ts): "OUT", "OUT_SECRET", "OUT:NB", "OUT_QPPL:QĐ", … */
  registerBook: string;
  registerNumber: number;
  registerYear: number;
  /** "05" (leading zero below 10). */
  codeNumber: string;
  /** "UBND-VP" / "QĐ-UBND". */
  codeNotation: string;
  /** "05/UBND-VP". */
  numberAndNotation: string;
  isPaperOnly: boolean;
  requiresRedSeal: boolean;
  isSigned: boolean;
  /**
   * The seal block on the issued copy: ORIGINAL (a PDF signed by its signer), SAO_Y (a scan of a
   * paper original: a digitised copy); null when none was drawn (no certificate, or paper only).
   */
  sealForm: SealForm | null;
  /** The issued copy (sealed and signed with a certificate; without, no block); null for paper-only documents. */
  sealedSha256: string | null;
  pageCount: number | null;
  recipients: IssuedRecipient[];
  /**
   * With the interchange on (`AGENCY_ORGAN_ID` set): the external recipients whose package goes through it,
   * by `recipientId` (an external recipient not listed has no organ id in its directory); null when it is off.
   */
  interchange: { recipientId: string; organId: string; organName: string }[] | null;
};

/**
 * The transactions are short, but they queue on the register counter and the audit chain lock, and
 * the process's event loop is shared with the PDF work of other issues (stamping, signing): under a
 * burst, waiting for the lock can exceed Prisma's 5 s default, so allow more.
 */
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

// === The use case

/**
 * Issues an outgoing document (clerk). See the decisions at the top of this file.
 *
 * @example
 * const r = await issueOutgoingDocument(deps, {
 *   actorUserId, docType: "Công văn", draftingUnitCode: "VP", subject: "V/v …",
 *   signerName: "Nguyễn Văn An", signerTitle: "Chủ tịch",
 *   internalRecipients: ["TCKH", "NB"], externalRecipients: ["Bộ Nội vụ"],
 *   files: [{ bytes: pdf }], certificate,
 * });
 * // r.numberAndNotation === "05/UBND-VP", r.displayRef === "P5"
 */
export const issueOutgoingDocument = (deps: CoreDeps, raw: IssueOutgoingInput): Promise<IssueOutgoingResult> =>
  runUseCase(deps, { action: "outgoing.issue", actorUserId: raw.actorUserId, entityType: "Document" }, async () => {
    const actor = await loadActor(deps.prisma, raw.actorUserId);
    if (!hasRole(actor, "CLERK")) throw new DomainError("FORBIDDEN", "error.forbidden");
    const input = ZIssueOutgoingInput.parse(raw);
    const docType = input.docType.normalize("NFC");
    if (!isKnownDocType(docType)) throw new DomainError("OUTGOING_UNKNOWN_DOC_TYPE", "outgoing.unknownDocType", { docType });
    if (input.normative && !isNormativeType(docType))
      throw new DomainError("OUTGOING_NOT_NORMATIVE", "numbering.notNormativeType", { docType, types: NORMATIVE_DOC_TYPES.join(", ") });
    const isSecret = isSecretLevel(input.secrecy);
    if (isSecret && input.files.length > 0) throw new DomainError("SECRET_FILE_REFUSED", "document.secretFileRefused");
    const isPaperOnly = isSecret || input.requiresRedSeal;
    if (!isPaperOnly && input.files.length === 0) throw new DomainError("OUTGOING_FILE_REQUIRED", "outgoing.fileRequired");
    if (input.internalRecipients.length + input.externalRecipients.length === 0) throw new DomainError("OUTGOING_NO_RECIPIENTS", "outgoing.noRecipients");

    const units = await deps.prisma.unit.findMany({
      where: { orgId: actor.orgId, active: true },
      select: { id: true, code: true, name: true, hasAccount: true, ownSeal: true, notation: true },
    });
    const unitByCode = new Map(units.map((u) => [u.code.toUpperCase(), u]));
    const drafting = unitByCode.get((input.draftingUnitCode ?? actor.unitCode).toUpperCase());
    if (!drafting) throw new DomainError("UNIT_UNKNOWN", "outgoing.unitUnknown", { codes: input.draftingUnitCode ?? actor.unitCode });
    // A unit's own văn thư issues only what its unit drafted; the agency's văn thư issues for the
    // agency's units, not for a cơ quan with its own seal.
    const issuerUnit = drafting.ownSeal ? drafting : null;
    if (issuerUnit && drafting.id !== actor.unitId) throw new DomainError("FORBIDDEN", "numbering.ownSealUnit", { unit: issuerUnit.name });
    if (!isAgencyClerk(actor) && drafting.id !== actor.unitId) throw new DomainError("FORBIDDEN", "error.forbidden");
    const unknown = input.internalRecipients.filter((c) => !unitByCode.has(c.toUpperCase()));
    if (unknown.length > 0) throw new DomainError("UNIT_UNKNOWN", "outgoing.unitUnknown", { codes: unknown.join(", ") });
    const internal = [...new Map(input.internalRecipients.map((c) => [c.toUpperCase(), unitByCode.get(c.toUpperCase())!])).values()];
    const external = [...new Set(input.externalRecipients)];

    // A certificate that cannot sign is found before a number is taken.
    if (input.certificate && !isPaperOnly) await checkAgencyCertificate(input.certificate);
    const prepared = input.files.length > 0 ? await prepareIncoming(input.files, { limits: { maxBytes: deps.settings.maxUploadBytes } }) : null;
    // The original goes to the content-addressed store before the transaction (as for incoming).
    const original = prepared ? await deps.files.put(prepared.pdf) : null;

    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { code: true, name: true, timeZone: true } });
    const zone = org.timeZone || deps.settings.officeTimeZone;
    const now = deps.clock.now();
    const today = localDateOf(now, zone);
    const year = Number(today.slice(0, 4));
    const normative = input.normative && !isSecret;
    const book = outgoingSeries({ secret: isSecret, issuerUnitCode: issuerUnit?.code ?? null, normativeType: normative ? docTypeAbbreviation(docType) : null });
    const codeNotation = outgoingNotation({
      docType,
      orgCode: issuerUnit ? (issuerUnit.notation ?? issuerUnit.code) : org.code,
      draftingUnitCode: issuerUnit ? null : drafting.code,
      ...(normative ? { normativeYear: year } : {}),
    });
    const issuerName = issuerUnit?.name ?? org.name;
    const heads = await deps.prisma.user.findMany({
      where: { unitId: { in: internal.map((u) => u.id) }, active: true, roles: { has: "UNIT_HEAD" } },
      select: { id: true, unitId: true },
    });
    const isElectronic = (u: { id: string; hasAccount: boolean }) => !isPaperOnly && u.hasAccount && heads.some((h) => h.unitId === u.id);
    const toPlaces = [...internal.map((u) => u.name), ...external].join("; ").slice(0, 1000);

    const created = await deps.prisma.$transaction(async (tx) => {
      // The series first, then the REF handle: every issue takes the two locks in this order.
      const number = await allocateRegisterNumber(tx, { orgId: actor.orgId, book, year });
      const prefix = isSecret ? REF_PREFIX.OUT_SECRET : REF_PREFIX.OUT;
      const handle = await allocateRefNumber(tx, { orgId: actor.orgId, prefix, year, seedBook: isSecret ? "OUT_SECRET" : "OUT" });
      const ref = documentRef(prefix, handle, year);
      const codeNumber = formatOutgoingNumber(number);
      const doc = await tx.document.create({
        data: {
          orgId: actor.orgId,
          direction: "OUT",
          registerBook: book,
          registerYear: year,
          registerNumber: number,
          ref,
          docType,
          codeNumber,
          codeNotation,
          issuer: issuerName,
          issuerUnitId: issuerUnit?.id ?? null,
          issuedDate: localDateToUtcMidnight(today),
          subject: input.subject,
          pageCount: prepared?.pageCount ?? null,
          description: input.description ?? null,
          arrivalAt: now,
          signerName: input.signerName,
          signerTitle: input.signerTitle,
          urgency: input.urgency,
          secrecy: input.secrecy,
          isPaperOnly,
          requiresRedSeal: input.requiresRedSeal,
          isSigned: false,
          toPlaces,
          issuedAmount: input.issuedAmount ?? null,
          status: "REGISTERED",
          draftingUnitId: drafting.id,
          createdById: actor.id,
          searchText: documentSearchText({ ref, subject: input.subject, issuer: issuerName, docType, codeNumber, codeNotation, extra: [input.signerName, toPlaces] }),
          createdAt: now,
        },
        select: { id: true },
      });
      if (original && prepared) {
        await tx.storedFile.create({
          data: {
            sha256: original.sha256,
            size: original.size,
            mime: "application/pdf",
            kind: "ORIGINAL",
            fileName: `${ref.replace("/", "-")}.pdf`,
            pageCount: prepared.pageCount,
            documentId: doc.id,
            createdAt: now,
          },
        });
      }
      const recipients: IssuedRecipient[] = [
        ...internal.map((u): IssuedRecipient => ({ recipientId: randomUUID(), unitCode: u.code, name: u.name, delivery: isElectronic(u) ? "ELECTRONIC" : "PAPER" })),
        ...external.map((name): IssuedRecipient => ({ recipientId: randomUUID(), unitCode: null, name, delivery: "EXTERNAL" })),
      ];
      // One statement for all recipients (short transaction). createdAt steps by 1 ms so that lists
      // ordered by createdAt keep nơi nhận in the order the clerk typed it.
      await tx.documentRecipient.createMany({
        data: recipients.map((r, i) => ({
          id: r.recipientId,
          documentId: doc.id,
          unitId: r.unitCode ? unitByCode.get(r.unitCode.toUpperCase())!.id : null,
          externalName: r.unitCode ? null : r.name,
          isPaper: r.delivery !== "ELECTRONIC",
          createdAt: new Date(now.getTime() + i),
        })),
      });
      await appendAuditEvent(tx, {
        type: "outgoing.numbered",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Document",
        entityId: doc.id,
        data: {
          ref,
          book,
          number,
          code: numberAndNotation(codeNumber, codeNotation),
          docType,
          secrecy: input.secrecy,
          requiresRedSeal: input.requiresRedSeal,
          sha256: original?.sha256 ?? null,
          recipients: recipients.map((r) => ({ id: r.recipientId, unit: r.unitCode, name: r.unitCode ? null : r.name, delivery: r.delivery })),
        },
      });
      return { id: doc.id, ref, number, codeNumber, recipients };
    }, TX_OPTIONS);

    const finished = await finishOutgoingIssue(deps, { documentId: created.id, ...(input.certificate ? { certificate: input.certificate } : {}) });
    return {
      documentId: created.id,
      ref: created.ref,
      displayRef: displayRef(created.ref, year),
      registerBook: book,
      registerNumber: created.number,
      registerYear: year,
      codeNumber: created.codeNumber,
      codeNotation,
      numberAndNotation: numberAndNotation(created.codeNumber, codeNotation),
      isPaperOnly,
      requiresRedSeal: input.requiresRedSeal,
      isSigned: finished.isSigned,
      sealForm: finished.sealForm,
      sealedSha256: finished.sealedSha256,
      pageCount: prepared?.pageCount ?? null,
      recipients: created.recipients,
      interchange: deps.settings.agencyOrganId
        ? await deps.prisma.interchangeOutgoingRecipient
            .findMany({
              where: { outgoing: { documentId: created.id } },
              orderBy: { createdAt: "asc" },
              select: { documentRecipientId: true, organId: true, organName: true },
            })
            .then((rows) => rows.map((r) => ({ recipientId: r.documentRecipientId, organId: r.organId, organName: r.organName })))
        : null,
    };
  });

// === Step 2: seal, sign, deliver

export type FinishOutgoingIssueResult = { isSigned: boolean; sealForm: SealForm | null; sealedSha256: string | null };

/**
 * The form of the seal block for `original`: a PDF that carries a digital signature was born digital
 * and signed by its signer (ORIGINAL); anything else is a scan or photos of a paper original, which
 * the agency's signature turns into a digitised copy (SAO_Y, Decree 30 Art. 18.6 and 25.1.c).
 */
export const sealFormOf = async (original: Uint8Array): Promise<SealForm> => {
  const { pdfHasDigitalSignature } = await import("../pdf/detect-signature.ts");
  return (await pdfHasDigitalSignature(original)) ? "ORIGINAL" : "SAO_Y";
};

/**
 * Completes a numbered outgoing document: makes the issued copy from the untouched original (with
 * `certificate`: the seal block in the form `sealFormOf` gives, then the agency's signature; without:
 * no block, since nothing is signed), stores it as a SIGNED file, marks the document ISSUED and
 * queues its delivery to the heads of the electronic recipient units. Idempotent: an ISSUED document
 * is returned as it is (a crash between the two steps is repaired by calling this again).
 */
export const finishOutgoingIssue = async (
  deps: CoreDeps,
  { documentId, certificate }: { documentId: string; certificate?: AgencyCertificate },
): Promise<FinishOutgoingIssueResult> => {
  const doc = await deps.prisma.document.findUniqueOrThrow({
    where: { id: documentId },
    select: {
      id: true,
      orgId: true,
      ref: true,
      status: true,
      urgency: true,
      isPaperOnly: true,
      isSigned: true,
      codeNumber: true,
      codeNotation: true,
      issuer: true,
      createdById: true,
      org: { select: { name: true, timeZone: true } },
      files: { where: { kind: { in: ["ORIGINAL", "SIGNED"] } }, select: { kind: true, sha256: true, fileName: true, pageCount: true } },
      recipients: { where: { isPaper: false, unitId: { not: null } }, select: { id: true, unitId: true } },
    },
  });
  const existing = doc.files.find((f) => f.kind === "SIGNED");
  const original = doc.files.find((f) => f.kind === "ORIGINAL");
  const formOfIssued = async (signed: boolean) => (signed && original ? sealFormOf(await deps.files.readBytes(original.sha256)) : null);
  if (doc.status !== "REGISTERED") return { isSigned: doc.isSigned, sealForm: await formOfIssued(doc.isSigned), sealedSha256: existing?.sha256 ?? null };

  const signedAt = deps.clock.now();
  let sealed: { sha256: string; size: number } | null = null;
  let sealForm: SealForm | null = null;
  let isSigned = false;
  if (!doc.isPaperOnly && original) {
    const originalBytes = await deps.files.readBytes(original.sha256);
    const { copyForIssue, stampSeal } = await import("../pdf/seal-stamp.ts");
    let bytes: Uint8Array;
    if (certificate) {
      sealForm = await sealFormOf(originalBytes);
      const common = { agencyName: doc.issuer ?? doc.org.name, signedAt, timeZone: doc.org.timeZone || deps.settings.officeTimeZone };
      const stamped = await stampSeal(
        originalBytes,
        sealForm === "SAO_Y" ? { ...common, form: "SAO_Y" } : { ...common, form: "ORIGINAL", numberAndNotation: numberAndNotation(doc.codeNumber, doc.codeNotation) },
      );
      bytes = await signPdf(stamped, { certificate, signedAt, name: doc.issuer ?? doc.org.name });
      isSigned = true;
    } else {
      bytes = await copyForIssue(originalBytes);
    }
    sealed = await deps.files.put(bytes);
  }

  const unitIds = [...new Set(doc.recipients.map((r) => r.unitId!))];
  const heads = unitIds.length
    ? await deps.prisma.user.findMany({ where: { unitId: { in: unitIds }, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true, unitId: true } })
    : [];

  return deps.prisma.$transaction(async (tx) => {
    const claimed = await tx.document.updateMany({ where: { id: doc.id, status: "REGISTERED" }, data: { status: "ISSUED", isSigned } });
    if (claimed.count === 0) {
      // Another call finished it first: report what it stored.
      const current = await tx.document.findUniqueOrThrow({
        where: { id: doc.id },
        select: { isSigned: true, files: { where: { kind: "SIGNED" }, select: { sha256: true }, take: 1 } },
      });
      return { isSigned: current.isSigned, sealForm: current.isSigned ? sealForm : null, sealedSha256: current.files[0]?.sha256 ?? null };
    }
    if (sealed && original) {
      await tx.storedFile.create({
        data: {
          sha256: sealed.sha256,
          size: sealed.size,
          mime: "application/pdf",
          kind: "SIGNED",
          fileName: original.fileName,
          pageCount: original.pageCount,
          documentId: doc.id,
          createdAt: signedAt,
        },
      });
    }
    // Paper-only documents have no electronic recipients (isPaper on every row): nothing is queued.
    await enqueueOutbox(
      tx,
      signedAt,
      doc.recipients.flatMap((r) =>
        heads
          .filter((h) => h.unitId === r.unitId && h.id !== doc.createdById)
          .map((h) => ({
            userId: h.id,
            kind: "outgoing.received" as const,
            payload: { documentId: doc.id, recipientId: r.id },
            dedupeKey: `out:${doc.id}:recv:${r.id}:${h.id}`,
            urgency: doc.urgency,
          })),
      ),
    );
    // External recipients that are agencies of the interchange directory get it as an edXML package.
    const interchange = await enqueueOutgoingInterchange(tx, signedAt, { documentId: doc.id, agencyOrganId: deps.settings.agencyOrganId });
    await appendAuditEvent(tx, {
      type: "outgoing.issued",
      at: signedAt,
      orgId: doc.orgId,
      actorUserId: doc.createdById,
      entityType: "Document",
      entityId: doc.id,
      data: {
        ref: doc.ref,
        isSigned,
        sealForm,
        sealedSha256: sealed?.sha256 ?? null,
        electronicRecipients: doc.recipients.map((r) => r.id),
        ...(interchange ? { interchangeRecipients: interchange.recipients } : {}),
      },
    });
    return { isSigned, sealForm, sealedSha256: sealed?.sha256 ?? null };
  }, TX_OPTIONS);
};
