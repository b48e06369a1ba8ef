import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAgencyClerk, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { prepareIncoming } from "../pdf/prepare-incoming.ts";
import { localDateOf, localDateToUtcMidnight } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import type { Tx } from "../store/tx.ts";
import { allocateRegisterNumber } from "./allocate-register-number.ts";
import {
  readRegistration,
  readSameFile,
  readSameNumber,
  writeRegistration,
  type FoundDocument,
  type IncomingRegistration,
  type Leader,
  type SameNumberQuery,
} from "./register-direct.ts";
import { stampOrLog } from "./ensure-stamped-copy.ts";
import { REF_PREFIX, displayRef, documentRef } from "./refs.ts";
import { documentSearchText } from "./search-text.ts";
import { isSecret as isSecretLevel } from "../workflow/state-machine.ts";

const LOCAL_DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

export const ZRegisterIncomingInput = z
  .object({
    actorUserId: z.string().min(1),
    docType: z.string().trim().min(1).max(100).default("Công văn"),
    codeNumber: z.string().trim().max(11).optional(),
    codeNotation: z.string().trim().max(30).optional(),
    issuer: z.string().trim().min(1).max(200),
    issuedDate: LOCAL_DATE.optional(),
    /**
     * Trích yếu. Required, except for a secret document registered from chat, where it is left out
     * (it may itself disclose the secret) and entered later on the office's machine
     * (completeSecretDocument, `edoc document complete`).
     */
    subject: z.string().trim().max(500).default(""),
    urgency: z.enum(["NORMAL", "URGENT", "VERY_URGENT", "FLASH"]).default("NORMAL"),
    secrecy: z.enum(["NONE", "CONFIDENTIAL", "SECRET", "TOP_SECRET"]).default("NONE"),
    signerName: z.string().trim().max(50).optional(),
    signerTitle: z.string().trim().max(100).optional(),
    description: z.string().trim().max(500).optional(),
    toPlaces: z.string().trim().max(1000).optional(),
    /** The issuer's electronic identifier (mã định danh), when known (an interchange package's From/OrganId). */
    issuerOrganId: z.string().trim().min(1).max(100).optional(),
    /** The deadline the issuer asks for (an interchange package's DueDate), offered for the directive. */
    requestedDueDate: LOCAL_DATE.optional(),
    /** The scan: one PDF, or photos of the pages in order. */
    files: z
      .array(z.object({ bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, "must be bytes"), fileName: z.string().optional(), mimeHint: z.string().optional() }))
      .default([]),
  })
  .refine((v) => v.subject !== "" || isSecretLevel(v.secrecy), { path: ["subject"], message: "required" });
export type RegisterIncomingInput = z.input<typeof ZRegisterIncomingInput>;

/** What a caller's own step inside the registration's transaction gets. */
export type RegisteredInTransaction = { documentId: string; ref: string; registerNumber: number; registerYear: number; orgId: string; now: Date };

/** Options of {@link registerIncomingDocument} for callers other than a clerk's form (the interchange). */
export type RegisterIncomingOptions = {
  /**
   * Runs inside the registration's transaction, after the document and its files: the caller's own rows
   * (e.g. the interchange package that became this document, its status messages) commit or roll back
   * with the registration, so a retry after a crash finds either both or neither.
   */
  inTransaction?: (tx: Tx, created: RegisteredInTransaction) => Promise<void>;
};

export type DuplicateWarning = { kind: "sameFile" | "sameNumber"; documentId: string; ref: string };

export type RegisterIncomingResult = {
  documentId: string;
  /** Canonical reference, e.g. `D7/2026`. */
  ref: string;
  /** As people type it this year, e.g. `D7`. */
  displayRef: string;
  registerNumber: number;
  registerYear: number;
  isPaperOnly: boolean;
  pageCount: number | null;
  /** SHA-256 of the stamped copy, when one could be made. */
  stampedSha256: string | null;
  warnings: DuplicateWarning[];
  /** The leaders the document was sent to for direction (title and name); none for a secret one. */
  sentTo: string[];
};

/**
 * Registers an incoming document (clerk): allocates số đến in the year's register without gaps or
 * duplicates, keeps the original scan and a stamped copy, warns on duplicates, and asks the leaders
 * to direct it. A secret document (mật, tối mật, tuyệt mật) goes in its own register as metadata
 * only, flagged paper-only; a file offered with it is refused and never stored.
 *
 * @example await registerIncomingDocument(deps, { actorUserId, issuer: "Sở Tài chính", subject: "V/v …", files: [{ bytes }] })
 */
export const registerIncomingDocument = (deps: CoreDeps, raw: RegisterIncomingInput, options: RegisterIncomingOptions = {}): Promise<RegisterIncomingResult> =>
  runUseCase(deps, { action: "document.register", actorUserId: raw.actorUserId, entityType: "Document" }, async () => {
    const parsed = ZRegisterIncomingInput.safeParse(raw);
    // A clerk's registration in one joined read and one statement (register-direct.ts); the
    // interchange's, whose own rows commit with it (options.inTransaction), in a transaction.
    const direct = options.inTransaction === undefined;
    const read = direct ? await readRegistration(deps, raw.actorUserId, parsed.success ? sameNumberQueryOf(parsed.data) : null) : null;
    const actor = read?.actor ?? (await loadActor(deps.prisma, raw.actorUserId));
    // The agency's incoming register is kept by its clerks (the office's văn thư).
    if (!isAgencyClerk(actor)) throw new DomainError("FORBIDDEN", "error.forbidden");
    if (!parsed.success) throw parsed.error;
    const input = parsed.data;
    const isSecret = isSecretLevel(input.secrecy);
    if (isSecret && input.files.length > 0) throw new DomainError("SECRET_FILE_REFUSED", "document.secretFileRefused");

    const now = deps.clock.now();
    const prepared = input.files.length > 0 ? await prepareIncoming(input.files, { limits: { maxBytes: deps.settings.maxUploadBytes } }) : null;
    // The original goes to the content-addressed store before the rows are written: a crash in between
    // leaves an unreferenced blob (harmless), never a row pointing at nothing.
    const original = prepared ? await deps.files.put(prepared.pdf) : null;

    const timeZone = read?.timeZone ?? (await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } })).timeZone;
    const year = Number(localDateOf(now, timeZone).slice(0, 4));
    const book = isSecret ? "IN_SECRET" : "IN";
    const warnings = read
      ? duplicateWarnings(original ? await readSameFile(deps, actor.orgId, original.sha256) : [], read.sameNumber)
      : await findDuplicates(deps, actor.orgId, { sha256: original?.sha256, ...input });
    const reg: IncomingRegistration = {
      documentId: randomUUID(),
      at: now,
      orgId: actor.orgId,
      actorUserId: actor.id,
      book,
      year,
      prefix: isSecret ? REF_PREFIX.IN_SECRET : REF_PREFIX.IN,
      document: {
        docType: input.docType,
        codeNumber: input.codeNumber ?? null,
        codeNotation: input.codeNotation ?? null,
        issuer: input.issuer,
        issuedDate: input.issuedDate ?? null,
        subject: input.subject,
        pageCount: prepared?.pageCount ?? null,
        description: input.description ?? null,
        signerName: input.signerName ?? null,
        signerTitle: input.signerTitle ?? null,
        urgency: input.urgency,
        secrecy: input.secrecy,
        isPaperOnly: isSecret,
        toPlaces: input.toPlaces ?? null,
        issuerOrganId: input.issuerOrganId ?? null,
        requestedDueDate: input.requestedDueDate ?? null,
      },
      searchTextAfterRef: documentSearchText({ ...input, ref: "" }),
      original: original && prepared ? { sha256: original.sha256, size: original.size, pageCount: prepared.pageCount } : null,
      registeredData: { book, secrecy: input.secrecy, urgency: input.urgency, sha256: original?.sha256 ?? null, source: prepared?.source ?? null },
      warnedData: warnings.length > 0 ? { warnings } : null,
      toDirect: [],
    };

    let created: { number: number; ref: string; sentTo: string[] };
    if (read) {
      // Secret documents stay on paper: no message about them goes through any chat platform.
      const leaders = isSecret ? [] : read.leaders.filter((l) => l.id !== actor.id);
      created = { ...(await writeRegistration(deps, { ...reg, toDirect: leaders.map((l) => l.id) })), sentTo: leaders.map(leaderName) };
    } else {
      created = await registerInTransaction(deps, reg, input, options);
    }

    const stamped = original ? await stampOrLog(deps, reg.documentId) : null;
    return {
      documentId: reg.documentId,
      ref: created.ref,
      displayRef: displayRef(created.ref, year),
      registerNumber: created.number,
      registerYear: year,
      isPaperOnly: isSecret,
      pageCount: prepared?.pageCount ?? null,
      stampedSha256: stamped?.sha256 ?? null,
      warnings,
      sentTo: created.sentTo,
    };
  });

const leaderName = (l: Leader): string => (l.title ? `${l.title} ${l.name}` : l.name);

/** What the duplicate checks look at (findDuplicates' query; the registration's input has it too). */
type DuplicateQuery = {
  sha256?: string | undefined;
  issuer?: string | undefined;
  codeNumber?: string | undefined;
  codeNotation?: string | undefined;
  issuedDate?: string | undefined;
};

/** The same-number check (issuer and số both given). */
const sameNumberQueryOf = (input: DuplicateQuery): SameNumberQuery | null =>
  input.issuer && input.codeNumber ? { issuer: input.issuer, codeNumber: input.codeNumber, codeNotation: input.codeNotation ?? null, issuedDate: input.issuedDate ?? null } : null;

type RegisterIncomingParsed = z.output<typeof ZRegisterIncomingInput>;

/** The registration in one interactive transaction: what the interchange's own step needs. */
const registerInTransaction = (
  deps: CoreDeps,
  reg: IncomingRegistration,
  input: RegisterIncomingParsed,
  options: RegisterIncomingOptions,
): Promise<{ number: number; ref: string; sentTo: string[] }> =>
  deps.prisma.$transaction(async (tx) => {
    const { orgId, actorUserId, book, year, at: now, documentId } = reg;
    const number = await allocateRegisterNumber(tx, { orgId, book, year });
    const ref = documentRef(reg.prefix, number, year);
    const d = reg.document;
    await tx.document.create({
      data: {
        id: documentId,
        orgId,
        direction: "IN",
        registerBook: book,
        registerYear: year,
        registerNumber: number,
        ref,
        ...d,
        urgency: input.urgency,
        secrecy: input.secrecy,
        issuedDate: d.issuedDate ? localDateToUtcMidnight(d.issuedDate) : null,
        requestedDueDate: d.requestedDueDate ? localDateToUtcMidnight(d.requestedDueDate) : null,
        arrivalAt: now,
        createdById: actorUserId,
        searchText: documentSearchText({ ref, ...input }),
        createdAt: now,
        updatedAt: now,
      },
      select: { id: true },
    });
    if (reg.original) {
      await tx.storedFile.create({
        data: {
          sha256: reg.original.sha256,
          size: reg.original.size,
          mime: "application/pdf",
          kind: "ORIGINAL",
          fileName: `${ref.replace("/", "-")}.pdf`,
          pageCount: reg.original.pageCount,
          documentId,
          createdAt: now,
        },
      });
    }
    const event = { at: now, orgId, actorUserId, entityType: "Document", entityId: documentId } as const;
    await appendAuditEvent(tx, { ...event, type: "document.registered", data: { ref, number, ...reg.registeredData } });
    if (options.inTransaction) await options.inTransaction(tx, { documentId, ref, registerNumber: number, registerYear: year, orgId, now });
    if (reg.warnedData) await appendAuditEvent(tx, { ...event, type: "document.duplicateWarned", data: reg.warnedData });
    // Secret documents stay on paper: no message about them goes through any chat platform.
    let sentTo: string[] = [];
    if (!d.isPaperOnly) {
      const leaders = (
        await tx.user.findMany({
          where: { orgId, active: true, roles: { has: "LEADER" } },
          select: { id: true, name: true, title: true },
          orderBy: { name: "asc" },
        })
      ).filter((l) => l.id !== actorUserId);
      sentTo = leaders.map(leaderName);
      await enqueueOutbox(
        tx,
        now,
        leaders.map((l) => ({
          userId: l.id,
          kind: "document.toDirect" as const,
          payload: { documentId },
          dedupeKey: `doc:${documentId}:toDirect:${l.id}`,
          urgency: input.urgency,
        })),
      );
    }
    return { number, ref, sentTo };
  });

/** Same-file duplicates first, then same-number ones not already named. */
const duplicateWarnings = (sameFile: FoundDocument[], sameNumber: FoundDocument[]): DuplicateWarning[] => {
  const warnings: DuplicateWarning[] = sameFile.map((d) => ({ kind: "sameFile", documentId: d.id, ref: d.ref }));
  for (const d of sameNumber) if (!warnings.some((w) => w.documentId === d.id)) warnings.push({ kind: "sameNumber", documentId: d.id, ref: d.ref });
  return warnings;
};

/** Same file already registered; same issuer + số/ký hiệu + date already registered. */
export const findDuplicates = async (deps: CoreDeps, orgId: string, q: DuplicateQuery): Promise<DuplicateWarning[]> => {
  const sameFile: FoundDocument[] = [];
  if (q.sha256) {
    const same = await deps.prisma.storedFile.findMany({
      where: { sha256: q.sha256, kind: "ORIGINAL", document: { orgId, direction: "IN" } },
      select: { document: { select: { id: true, ref: true } } },
      take: 5,
    });
    for (const f of same) if (f.document) sameFile.push(f.document);
  }
  // The joined read's check (register-direct.ts): both paths and the bot's echo find the same documents.
  const query = sameNumberQueryOf(q);
  const sameNumber = query ? await readSameNumber(deps, orgId, query) : [];
  return duplicateWarnings(sameFile, sameNumber);
};
