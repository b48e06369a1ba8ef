// Exports a CLOSED case file as an archive package (DOMAIN.md §8: submission to the agency archive):
//
//   <out>/
//     manifest.json                    SHA-256 and size of every other file (verify-archive-package.ts)
//     ho-so.json, ho-so.xml            the file's own metadata (the 11 file fields of Decree 30 App. VI)
//     muc-luc-van-ban.xlsx             "Mục lục văn bản trong hồ sơ": the printable list of the
//                                      file's documents (STT, số ký hiệu, ngày, trích yếu, tác giả,
//                                      tờ số, ghi chú), with the file's title block
//     nhat-ky.jsonl                    the audit events of the file, its documents, directives,
//                                      assignments and extension requests (one JSON object a line)
//     van-ban/001-D7-2026/             one folder per document, by ordinal
//       metadata.json, metadata.xml    the document's App. VI fields (incoming 18, outgoing 16)
//       original.pdf, stamped.pdf, signed.pdf   the files kept for it (a secret document has none)
//   <out>.zip                          optionally, the same folder zipped
//
// Decisions (fields the schema does not hold yet):
// - FileCode is App. VI's three fields, { OrganId, FileCatalog, FileNotation }: the agency's
//   electronic identifier (AGENCY_ORGAN_ID; the export refuses without it: the organisation's short
//   code "UBND" identifies nothing outside this system), the year of the file list, the file's code.
//   The manifest keeps the joined string ("000.00.31.H23.2026.05-VP"). Rights = "Hạn chế" (the
//   archive decides what becomes public); Language = the documents' language ("vi" → "Tiếng Việt");
//   StartDate / EndDate = the earliest / latest document date in the file; Creator = who opened it.
// - Priority (❓ the decree's numeric codes are not known): the urgency as one digit, 0 thường,
//   1 khẩn, 2 thượng khẩn, 3 hỏa tốc; the secrecy in an extra field SecurityLevel (0 none … 3 tuyệt mật).
// - TraceHeaderList: directives (superseded ones too), assignments, acknowledgements, delegations,
//   extension requests and decisions, completions and returns, in time order. Each entry has the
//   Vietnamese label a reader of the archive sees (Action, from the catalog, office.archive.trace.*)
//   and a stable code for programs (ActionCode); deadlines in Content as dd/mm/yyyy.
// - ArrivalDate (ngày đến) is a date, as App. VI has it; the exact time is in the audit log.
// - To.OrganId: the agency's identifier for its own units; an own-seal unit's (a ward's) own
//   identifier when the organisation file gives it; empty for an external agency (not recorded).
// - OrganName of an outgoing document: its issuer (a ward issues under its own name).
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { linkAuditChain } from "../audit/link-audit-chain.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { codeOf } from "../queries/query-context.ts";
import type { Secrecy, Urgency } from "../store/generated/enums.ts";
import { t, type KeySuffix } from "../messages/index.ts";
import { formatLocalDate, localDateOf, toIsoWithOffset, utcMidnightToLocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { toXmlDocument } from "./archive-xml.ts";
import { ZCaseFileKey, fileCodeOf, fileCodeParts, loadCaseFile } from "./case-file-access.ts";
import { tablesToXlsx, type TableCell, type TitledTable } from "./table-file.ts";
import { resolveOfficeScope, viewerActorId, type OfficeViewer } from "./office-scope.ts";
import { ARCHIVE_FORMAT, MANIFEST_NAME, type Manifest } from "./verify-archive-package.ts";

export const ZExportCaseFileInput = ZCaseFileKey.extend({
  /** The folder to create; it must not exist or be empty. */
  outDir: z.string().min(1),
  /** Also write `<outDir>.zip`. @defaultValue false */
  zip: z.boolean().default(false),
});
export type ExportCaseFileInput = z.input<typeof ZExportCaseFileInput> & { viewer: OfficeViewer };

export type ExportCaseFileResult = {
  fileCode: string;
  outDir: string;
  zipPath: string | null;
  documentCount: number;
  /** Files listed in the manifest. */
  fileCount: number;
  auditEventCount: number;
};

const URGENCY_CODE: Record<Urgency, number> = { NORMAL: 0, URGENT: 1, VERY_URGENT: 2, FLASH: 3 };
const SECRECY_CODE: Record<Secrecy, number> = { NONE: 0, CONFIDENTIAL: 1, SECRET: 2, TOP_SECRET: 3 };
const LANGUAGE_NAME: Record<string, string> = { vi: "Tiếng Việt", en: "Tiếng Anh" };
const EXPORTED_KINDS = ["ORIGINAL", "STAMPED", "SIGNED"] as const;

type TraceHeader = { Time: string; Action: string; ActionCode: string; Actor: string | null; Unit: string | null; Content: string | null };

/** The name of the printable list of the file's documents in the package. */
export const DOCUMENT_INDEX_NAME = "muc-luc-van-ban.xlsx";

/**
 * Writes the archive package of a CLOSED case file (office users, or the CLI operator) and records
 * `caseFile.exported` in the audit log.
 *
 * @example await exportCaseFile(deps, { viewer: { orgCode: "UBND" }, code: "05-VP", year: 2026, outDir: "/srv/archive/05-VP", zip: true })
 */
export const exportCaseFile = (deps: CoreDeps, raw: ExportCaseFileInput): Promise<ExportCaseFileResult> =>
  runUseCase(deps, { action: "caseFile.export", actorUserId: viewerActorId(raw.viewer), entityType: "CaseFile" }, async () => {
    const scope = await resolveOfficeScope(deps, raw.viewer);
    const input = ZExportCaseFileInput.parse(raw);
    const organId = deps.settings.agencyOrganId;
    if (!organId) throw new DomainError("ARCHIVE_ORGAN_ID_MISSING", "office.archive.organIdMissing");
    const file = await loadCaseFile(deps.prisma, scope.orgId, input);
    if (file.status !== "CLOSED") throw new DomainError("CASE_FILE_NOT_CLOSED", "office.caseFile.notClosed", { code: file.code, year: file.year });
    const outDir = path.resolve(input.outDir);
    const existing = await readdir(outDir).catch(() => null); // absent (or unreadable: the write below says why)
    if (existing !== null && existing.length > 0) throw new DomainError("ARCHIVE_TARGET_EXISTS", "office.archive.targetExists", { dir: outDir });

    const zone = scope.zone;
    const iso = (d: Date | null | undefined): string | null => (d ? toIsoWithOffset(d, zone) : null);
    const day = (d: Date | null | undefined): string | null => (d ? formatLocalDate(localDateOf(d, zone)) : null);
    const fileCode = fileCodeOf(organId, file.year, file.code);
    const FileCode = fileCodeParts(organId, file.year, file.code);
    const links = await deps.prisma.caseFileDocument.findMany({
      where: { caseFileId: file.id, ...(scope.includeSecret ? {} : { document: { secrecy: "NONE" } }) },
      orderBy: { ordinal: "asc" },
      select: {
        ordinal: true,
        document: {
          select: {
            id: true,
            ref: true,
            direction: true,
            registerNumber: true,
            docType: true,
            codeNumber: true,
            codeNotation: true,
            issuer: true,
            issuedDate: true,
            subject: true,
            language: true,
            pageCount: true,
            description: true,
            arrivalAt: true,
            createdAt: true,
            signerName: true,
            signerTitle: true,
            urgency: true,
            secrecy: true,
            toPlaces: true,
            issuedAmount: true,
            dueAt: true,
            files: { where: { kind: { in: [...EXPORTED_KINDS] } }, orderBy: { createdAt: "desc" }, select: { kind: true, sha256: true } },
            recipients: { select: { unitId: true, externalName: true } },
            directives: { orderBy: { createdAt: "asc" }, select: { id: true, text: true, authorId: true, enteredById: true, createdAt: true, supersedesId: true } },
            assignments: {
              orderBy: { createdAt: "asc" },
              select: {
                id: true,
                role: true,
                status: true,
                parentId: true,
                assigneeUserId: true,
                sentAt: true,
                dueAt: true,
                originalDueAt: true,
                acknowledgedAt: true,
                acknowledgedById: true,
                completedAt: true,
                completedById: true,
                returnedAt: true,
                returnReason: true,
                unit: { select: { code: true, name: true } },
                reports: { where: { kind: "COMPLETION" }, orderBy: { createdAt: "asc" }, select: { text: true, createdAt: true } },
                extensions: {
                  orderBy: { createdAt: "asc" },
                  select: { id: true, requestedById: true, reason: true, requestedDueAt: true, status: true, decidedById: true, decidedAt: true, createdAt: true },
                },
              },
            },
          },
        },
      },
    });
    const units = await deps.prisma.unit.findMany({ where: { orgId: scope.orgId }, select: { id: true, code: true, name: true, ownSeal: true, organId: true } });
    const unitById = new Map(units.map((u) => [u.id, u]));
    const users = await deps.prisma.user.findMany({ where: { orgId: scope.orgId }, select: { id: true, name: true, title: true } });
    const nameOf = (id: string | null | undefined): string | null => (id ? (users.find((u) => u.id === id)?.name ?? null) : null);

    const written: Manifest["files"] = [];
    const put = async (rel: string, bytes: Uint8Array): Promise<void> => {
      const full = path.join(outDir, ...rel.split("/"));
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, bytes);
      written.push({ path: rel, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
    };
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    await mkdir(outDir, { recursive: true });

    const docDates: string[] = [];
    const indexRows: IndexRow[] = [];
    let pageTotal = 0;
    const languages = new Set<string>();
    for (const { ordinal, document: d } of links) {
      const docDate = d.issuedDate ? utcMidnightToLocalDate(d.issuedDate) : localDateOf(d.arrivalAt ?? d.createdAt, zone);
      docDates.push(docDate);
      indexRows.push({
        ordinal,
        code: codeOf(d),
        date: docDate,
        typeSubject: `${d.docType}: ${d.subject}`,
        author: d.direction === "OUT" ? (d.issuer ?? scope.orgName) : d.issuer,
        firstPage: d.pageCount ? pageTotal + 1 : null,
        pageCount: d.pageCount,
        secrecy: d.secrecy,
      });
      pageTotal += d.pageCount ?? 0;
      languages.add(d.language);
      const trace: TraceHeader[] = [];
      const push = (at: Date, code: KeySuffix<"office.archive.trace.">, actor: string | null, unit: string | null, content: string | null): void => {
        trace.push({ Time: iso(at)!, Action: t("vi", `office.archive.trace.${code}`), ActionCode: code, Actor: actor, Unit: unit, Content: content });
      };
      const dueText = (due: Date | null): string | null => (due ? t("vi", "office.archive.trace.due", { date: day(due)! }) : null);
      for (const dir of d.directives) {
        push(dir.createdAt, dir.supersedesId ? "DIRECTIVE_SUPERSEDING" : "DIRECTIVE", nameOf(dir.authorId), null, dir.text);
        if (dir.enteredById !== dir.authorId) push(dir.createdAt, "DIRECTIVE_ENTERED_BY", nameOf(dir.enteredById), null, null);
      }
      for (const a of d.assignments) {
        const unit = a.unit.name;
        if (a.parentId === null) push(a.sentAt, `ASSIGNED_${a.role}`, null, unit, dueText(a.originalDueAt));
        else push(a.sentAt, "DELEGATED", nameOf(a.assigneeUserId), unit, dueText(a.originalDueAt));
        if (a.acknowledgedAt) push(a.acknowledgedAt, "ACKNOWLEDGED", nameOf(a.acknowledgedById), unit, null);
        for (const e of a.extensions) {
          push(e.createdAt, "EXTENSION_REQUESTED", nameOf(e.requestedById), unit, t("vi", "office.archive.trace.extensionTo", { date: day(e.requestedDueAt)!, reason: e.reason }));
          if (e.decidedAt) push(e.decidedAt, `EXTENSION_${e.status}`, nameOf(e.decidedById), unit, dueText(e.requestedDueAt));
        }
        if (a.completedAt) push(a.completedAt, "COMPLETED", nameOf(a.completedById), unit, a.reports.at(-1)?.text ?? null);
        if (a.returnedAt) push(a.returnedAt, "RETURNED", null, unit, a.returnReason);
        if (a.status === "CANCELLED") push(a.sentAt, "CANCELLED_BY_LATER_DIRECTIVE", null, unit, null);
      }
      trace.sort((x, y) => x.Time.localeCompare(y.Time));

      const common = {
        FileCode,
        DocOrdinal: ordinal,
        TypeName: d.docType,
        CodeNumber: d.codeNumber ?? (d.direction === "OUT" ? String(d.registerNumber).padStart(2, "0") : null),
        CodeNotation: d.codeNotation,
        IssuedDate: d.issuedDate ? utcMidnightToLocalDate(d.issuedDate) : null,
        OrganName: d.direction === "OUT" ? (d.issuer ?? scope.orgName) : d.issuer,
        Subject: d.subject,
        Language: LANGUAGE_NAME[d.language] ?? d.language,
        PageAmount: d.pageCount,
        Description: d.description,
      };
      const signer = { Position: d.signerTitle, FullName: d.signerName };
      const metadata =
        d.direction === "IN"
          ? {
              ...common,
              ArrivalDate: d.arrivalAt ? localDateOf(d.arrivalAt, zone) : null,
              ArrivalNumber: d.registerNumber,
              SignerInfo: signer,
              Priority: URGENCY_CODE[d.urgency],
              SecurityLevel: SECRECY_CODE[d.secrecy],
              ToPlaces:
                d.assignments
                  .filter((a) => a.parentId === null && a.status !== "CANCELLED")
                  .map((a) => a.unit.name)
                  .join("; ") ||
                d.toPlaces ||
                null,
              TraceHeaderList: trace,
              DueDate: d.dueAt ? localDateOf(d.dueAt, zone) : null,
            }
          : {
              ...common,
              SignerInfo: signer,
              To: d.recipients.map((r) => {
                const u = r.unitId ? unitById.get(r.unitId) : undefined;
                return { OrganId: u ? (u.ownSeal ? u.organId : organId) : null, OrganName: u?.name ?? r.externalName ?? null };
              }),
              Priority: URGENCY_CODE[d.urgency],
              SecurityLevel: SECRECY_CODE[d.secrecy],
              IssuedAmount: d.issuedAmount,
              DueDate: d.dueAt ? localDateOf(d.dueAt, zone) : null,
            };
      const folder = `van-ban/${String(ordinal).padStart(3, "0")}-${d.ref.replace(/\//g, "-")}`;
      await put(`${folder}/metadata.json`, text(`${JSON.stringify({ Ref: d.ref, Direction: d.direction, Code: codeOf(d), ...metadata }, null, 2)}\n`));
      await put(`${folder}/metadata.xml`, text(toXmlDocument("Document", { Ref: d.ref, Direction: d.direction, ...metadata })));
      for (const kind of EXPORTED_KINDS) {
        const f = d.files.find((x) => x.kind === kind);
        if (f) await put(`${folder}/${kind.toLowerCase()}.pdf`, await deps.files.readBytes(f.sha256));
      }
    }

    docDates.sort();
    const creator = users.find((u) => u.id === file.createdById);
    const caseMeta = {
      FileCode,
      Title: file.title,
      Maintenance: file.retention,
      Rights: "Hạn chế",
      Creator: creator?.name ?? null,
      Language: [...languages].map((l) => LANGUAGE_NAME[l] ?? l).join(", ") || LANGUAGE_NAME.vi,
      StartDate: docDates[0] ?? localDateOf(file.openedAt, zone),
      EndDate: docDates.at(-1) ?? localDateOf(file.closedAt ?? file.openedAt, zone),
      DocTotal: links.length,
      PageTotal: pageTotal,
      Description: null,
      // Beyond the 11 fields: the file's own lifecycle and its documents in order.
      OpenedAt: iso(file.openedAt),
      ClosedAt: iso(file.closedAt),
      Documents: links.map((l) => ({ DocOrdinal: l.ordinal, Ref: l.document.ref })),
    };
    await put("ho-so.json", text(`${JSON.stringify(caseMeta, null, 2)}\n`));
    await put("ho-so.xml", text(toXmlDocument("CaseFile", caseMeta)));
    await put(DOCUMENT_INDEX_NAME, await tablesToXlsx([documentIndexTable({ orgName: scope.orgName, file, fileCode, documents: indexRows })], { now: deps.clock.now() }));

    const entityIds = {
      Document: links.map((l) => l.document.id),
      Directive: links.flatMap((l) => l.document.directives.map((x) => x.id)),
      Assignment: links.flatMap((l) => l.document.assignments.map((x) => x.id)),
      ExtensionRequest: links.flatMap((l) => l.document.assignments.flatMap((x) => x.extensions.map((e) => e.id))),
      CaseFile: [file.id],
    };
    // The events appended since the last link get their hashes first (core/audit/link-audit-chain.ts).
    await linkAuditChain(deps.prisma);
    const events = await deps.prisma.auditEvent.findMany({
      where: { OR: Object.entries(entityIds).map(([entityType, ids]) => ({ entityType, entityId: { in: ids } })) },
      orderBy: { seq: "asc" },
      select: { seq: true, at: true, orgId: true, actorUserId: true, type: true, entityType: true, entityId: true, data: true, prevHash: true, hash: true },
    });
    await put("nhat-ky.jsonl", text(events.map((e) => JSON.stringify({ ...e, seq: e.seq.toString(), at: e.at.toISOString() })).join("\n") + (events.length ? "\n" : "")));

    const manifest: Manifest = { format: ARCHIVE_FORMAT, fileCode, generatedAt: iso(deps.clock.now())!, files: written };
    await writeFile(path.join(outDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);

    let zipPath: string | null = null;
    if (input.zip) {
      zipPath = `${outDir}.zip`;
      await writeZip(outDir, zipPath, [MANIFEST_NAME, ...written.map((w) => w.path)], deps.clock.now());
    }

    await deps.prisma.$transaction((tx) =>
      appendAuditEvent(tx, {
        type: "caseFile.exported",
        at: deps.clock.now(),
        orgId: scope.orgId,
        actorUserId: scope.actor?.id ?? null,
        entityType: "CaseFile",
        entityId: file.id,
        data: { fileCode, documents: links.length, files: written.length, zip: zipPath !== null },
      }),
    );
    return { fileCode, outDir, zipPath, documentCount: links.length, fileCount: written.length, auditEventCount: events.length };
  });

/** Zips the package folder: entries under the folder's own name, so unzipping gives the folder back. */
const writeZip = async (dir: string, zipPath: string, files: string[], mtime: Date): Promise<void> => {
  const zip = new yazl.ZipFile();
  const top = path.basename(dir);
  for (const rel of files) zip.addFile(path.join(dir, ...rel.split("/")), `${top}/${rel}`, { mtime });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
};

// === Mục lục văn bản trong hồ sơ

type IndexRow = {
  ordinal: number;
  code: string | null;
  date: string;
  typeSubject: string;
  author: string | null;
  firstPage: number | null;
  pageCount: number | null;
  secrecy: Secrecy;
};

/**
 * The printable list of a file's documents (mục lục văn bản): one row per document in file order,
 * the pages it takes in the file ("Tờ số": from–to, counted through the file), a note for a secret
 * document kept on paper only; under it, the totals.
 */
const documentIndexTable = ({
  orgName,
  file,
  fileCode,
  documents,
}: {
  orgName: string;
  file: { code: string; title: string; year: number; retention: string };
  fileCode: string;
  documents: IndexRow[];
}): TitledTable => {
  const pages = documents.reduce((n, d) => n + (d.pageCount ?? 0), 0);
  const col = (key: KeySuffix<"office.archive.index.col.">) => t("vi", `office.archive.index.col.${key}`);
  return {
    sheetName: t("vi", "office.archive.index.sheet"),
    titleLines: [
      orgName,
      t("vi", "office.archive.index.title"),
      t("vi", "office.archive.index.file", { code: file.code, fileCode }),
      file.title,
      t("vi", "office.archive.index.yearRetention", { year: file.year, retention: file.retention }),
    ],
    columns: [
      { title: col("ordinal"), kind: "number", width: 6 },
      { title: col("code"), kind: "text", width: 18 },
      { title: col("date"), kind: "date", width: 12 },
      { title: col("typeSubject"), kind: "text", width: 52 },
      { title: col("author"), kind: "text", width: 28 },
      { title: col("pages"), kind: "text", width: 10 },
      { title: col("notes"), kind: "text", width: 24 },
    ],
    rows: documents.map((d): TableCell[] => [
      d.ordinal,
      d.code,
      d.date,
      d.typeSubject,
      d.author,
      d.firstPage !== null && d.pageCount ? (d.pageCount === 1 ? String(d.firstPage) : `${d.firstPage}–${d.firstPage + d.pageCount - 1}`) : null,
      d.secrecy === "NONE" ? null : t("vi", "office.register.note.secret", { level: t("vi", `office.secrecy.${d.secrecy}`) }),
    ]),
    footerLines: [
      t("vi", "office.archive.index.total", { count: documents.length, pages }),
      t("vi", "office.register.signedOn"),
      t("vi", "office.archive.index.signer"),
      t("vi", "office.register.signerHint"),
    ],
  };
};
