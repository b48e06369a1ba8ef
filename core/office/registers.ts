// The registers of Decree 30 Appendix IV (DOMAIN.md §4) for a period: the incoming register (sổ
// đăng ký văn bản đến, 10 columns), the outgoing register (sổ đăng ký văn bản đi, 10 columns) and
// the resolution-tracking register (sổ theo dõi giải quyết văn bản đến, 7 columns), as XLSX or CSV.
//
// Decisions:
// - The period is in office days (from and to inclusive), on the date the document came in (ngày
//   đến) or was issued (ngày phát hành, `arrivalAt`; an outgoing row without it falls back to its
//   registration time). The tracking register lists the incoming documents of the period that have
//   a directive with a main unit.
// - The ordinary register and the secret one (sổ mật: separate numbering, Decree 30 Art. 15.2 and
//   22.4) are separate exports (`secret: true`), as they are separate books on paper. The secret
//   register holds metadata only and is given only to viewers who see secret metadata
//   (office-scope.ts); the chat command /baocao never asks for it. No register code ("IN_SECRET")
//   is printed: the title says which book it is.
// - The column headings are Decree 30 Appendix IV's words; above them the cover lines of the
//   printed book (agency, title, năm, từ ngày … đến ngày, từ số … đến số, quyển số) and below the
//   rows the clerk's closing line and signature block, so the printout can be signed and bound
//   (Art. 22.3.b). The volume number (quyển số) is not kept by the system: the caller may give it,
//   otherwise a dotted space is left to fill in by hand.
// - "Đơn vị hoặc người nhận" are the units of the current directive (superseded ones are history);
//   "Ngày chuyển" is the date the directive handed the document over; "Ký nhận" records the
//   electronic acknowledgements (unit code and date) and "bản giấy" for units served on paper.
// - "Số, ký hiệu văn bản trả lời" stays empty: the system does not link a reply to the document it
//   answers yet (the outgoing-documents work may add it).
// - The outgoing register reads Document rows with direction OUT directly (same ten columns as
//   core/outgoing/list-outgoing-register.ts, which landed while this was written; moving onto it
//   needs a system viewer there for the CLI).
import { z } from "zod";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { t, type KeySuffix, type Locale, type MessageKey } from "../messages/index.ts";
import { codeOf } from "../queries/query-context.ts";
import type { AssignmentRole, AssignmentStatus, Secrecy, Urgency } from "../store/generated/enums.ts";
import { daysBetween, endOfLocalDay, formatDate, formatLocalDate, isLocalDate, localDateOf, startOfLocalDay, utcMidnightToLocalDate, type LocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { resolveOfficeScope, viewerActorId, type OfficeScope, type OfficeViewer } from "./office-scope.ts";
import { CSV_MIME, XLSX_MIME, tableToCsv, tablesToXlsx, type TableColumn, type TitledTable } from "./table-file.ts";

export const REGISTER_TYPES = ["IN", "OUT", "TRACKING"] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

const ZLocalDate = z.string().refine(isLocalDate, { message: "must be a date YYYY-MM-DD" });

/** The longest period one export covers (a year and a bit: a yearly register plus slack). */
export const MAX_PERIOD_DAYS = 400;

export const ZRegisterPeriod = z
  .object({ from: ZLocalDate, to: ZLocalDate })
  .refine((p) => daysBetween(p.from, p.to) >= 0, { message: "from must not be after to" })
  .refine((p) => daysBetween(p.from, p.to) <= MAX_PERIOD_DAYS, { message: `at most ${MAX_PERIOD_DAYS} days` });

export const ZBuildRegisterInput = z.object({
  type: z.enum(REGISTER_TYPES),
  period: ZRegisterPeriod,
  /** The secret register (sổ mật) instead of the ordinary one. */
  secret: z.boolean().default(false),
  /** The volume number (quyển số) printed on the cover; left to fill in by hand when absent. */
  volume: z.number().int().min(1).max(999).optional(),
  locale: z.enum(["vi", "en"]).default("vi"),
});
export type BuildRegisterInput = z.input<typeof ZBuildRegisterInput> & { viewer: OfficeViewer };

// === Columns

/** A register's column: `key` is checked against the catalog's `office.register.<type>.col.*` keys. */
type Column<T extends RegisterType> = { key: KeySuffix<`office.register.${T}.col.`>; kind: TableColumn["kind"]; width: number };

const IN_COLUMNS: Column<"IN">[] = [
  { key: "arrivalDate", kind: "date", width: 12 },
  { key: "arrivalNumber", kind: "number", width: 8 },
  { key: "issuer", kind: "text", width: 28 },
  { key: "code", kind: "text", width: 16 },
  { key: "issuedDate", kind: "date", width: 12 },
  { key: "typeSubject", kind: "text", width: 48 },
  { key: "recipients", kind: "text", width: 32 },
  { key: "handedOver", kind: "date", width: 12 },
  { key: "receipt", kind: "text", width: 22 },
  { key: "notes", kind: "text", width: 24 },
];
const OUT_COLUMNS: Column<"OUT">[] = [
  { key: "code", kind: "text", width: 16 },
  { key: "issuedDate", kind: "date", width: 12 },
  { key: "typeSubject", kind: "text", width: 48 },
  { key: "signer", kind: "text", width: 22 },
  { key: "recipients", kind: "text", width: 32 },
  { key: "copyKeeper", kind: "text", width: 24 },
  { key: "copies", kind: "number", width: 8 },
  { key: "sentDate", kind: "date", width: 12 },
  { key: "receipt", kind: "text", width: 22 },
  { key: "notes", kind: "text", width: 24 },
];
const TRACKING_COLUMNS: Column<"TRACKING">[] = [
  { key: "arrivalNumber", kind: "number", width: 8 },
  { key: "document", kind: "text", width: 52 },
  { key: "recipients", kind: "text", width: 32 },
  { key: "dueDate", kind: "date", width: 12 },
  { key: "progress", kind: "text", width: 32 },
  { key: "reply", kind: "text", width: 16 },
  { key: "notes", kind: "text", width: 28 },
];
const COLUMNS: { [T in RegisterType]: Column<T>[] } = { IN: IN_COLUMNS, OUT: OUT_COLUMNS, TRACKING: TRACKING_COLUMNS };
/**
 * The columns of a register with their title keys. The cast only joins what `Column<T>` checked where
 * each column is declared (TypeScript does not carry `type` and `key` together through the lookup).
 */
const columnsOf = (type: RegisterType): (Column<RegisterType> & { titleKey: MessageKey })[] =>
  (COLUMNS[type] as Column<RegisterType>[]).map((c) => ({ ...c, titleKey: `office.register.${type}.col.${c.key}` as MessageKey }));
const SLUG: Record<RegisterType, string> = { IN: "so-van-ban-den", OUT: "so-van-ban-di", TRACKING: "so-theo-doi-giai-quyet" };
const SECRET_SLUG: Record<RegisterType, string> = { IN: "so-van-ban-mat-den", OUT: "so-van-ban-mat-di", TRACKING: "so-theo-doi-giai-quyet-van-ban-mat" };
/** The catalog key prefix of a register's sheet name and title: the secret books have their own. */
const titleKey = (type: RegisterType, secret: boolean) => `office.register.${type}${secret ? ".secret" : ""}` as const;

/** The Vietnamese (or English) column titles of a register, in order. */
export const registerColumnTitles = (type: RegisterType, locale: Locale = "vi"): string[] => columnsOf(type).map((c) => t(locale, c.titleKey));

// === Building

type UnitAssignment = {
  role: AssignmentRole;
  status: AssignmentStatus;
  parentId: string | null;
  isPaper: boolean;
  sentAt: Date;
  dueAt: Date | null;
  originalDueAt: Date | null;
  acknowledgedAt: Date | null;
  completedAt: Date | null;
  unit: { code: string; name: string };
};

const ROLE_ORDER: Record<AssignmentRole, number> = { MAIN: 0, COORDINATE: 1, INFO: 2 };

const secrecyNote = (locale: Locale, secrecy: Secrecy): string | null =>
  secrecy === "NONE" ? null : t(locale, "office.register.note.secret", { level: t(locale, `office.secrecy.${secrecy}`) });
const urgencyNote = (locale: Locale, urgency: Urgency): string | null => (urgency === "NORMAL" ? null : t(locale, `office.urgency.${urgency}`));
const joinNotes = (...parts: (string | null | undefined)[]): string => parts.filter((p): p is string => !!p && p.trim() !== "").join("; ");

const typeAndSubject = (d: { docType: string; subject: string }): string => `${d.docType}: ${d.subject}`;

const unitList = (locale: Locale, assignments: UnitAssignment[], roles: AssignmentRole[] = ["MAIN", "COORDINATE", "INFO"]): string =>
  assignments
    .filter((a) => a.parentId === null && roles.includes(a.role))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.unit.name.localeCompare(b.unit.name, "vi"))
    .map((a) => t(locale, `office.register.role.${a.role}`, { unit: a.unit.name }))
    .join("; ");

const periodWhere = (scope: OfficeScope, period: { from: LocalDate; to: LocalDate }) => {
  const range = { gte: startOfLocalDay(period.from, scope.zone), lte: endOfLocalDay(period.to, scope.zone) };
  return { OR: [{ arrivalAt: range }, { arrivalAt: null, createdAt: range }] };
};

const ASSIGNMENT_SELECT = {
  role: true,
  status: true,
  parentId: true,
  isPaper: true,
  sentAt: true,
  dueAt: true,
  originalDueAt: true,
  acknowledgedAt: true,
  completedAt: true,
  unit: { select: { code: true, name: true } },
} as const;

export type RegisterData = TitledTable & { type: RegisterType; secret: boolean; period: { from: LocalDate; to: LocalDate }; orgName: string };

/**
 * The rows of one register for a period, as a titled table (office.register.* titles). The
 * viewer must be an office user (or the CLI operator).
 *
 * @example const reg = await buildRegister(deps, { viewer: { actorUserId }, type: "IN", period: { from: "2026-11-01", to: "2026-11-30" } });
 */
export const buildRegister = (deps: CoreDeps, raw: BuildRegisterInput): Promise<RegisterData> =>
  runUseCase(deps, { action: "office.register", actorUserId: viewerActorId(raw.viewer), entityType: "Register" }, async () => {
    const scope = await resolveOfficeScope(deps, raw.viewer);
    const input = ZBuildRegisterInput.parse(raw);
    if (input.secret && !scope.includeSecret) throw new DomainError("FORBIDDEN", "office.register.secretForbidden");
    return buildRegisterFor(deps, scope, input);
  });

const buildRegisterFor = async (deps: CoreDeps, scope: OfficeScope, input: z.output<typeof ZBuildRegisterInput>): Promise<RegisterData> => {
  const { locale, period, type } = input;
  const zone = scope.zone;
  const day = (d: Date | null): LocalDate | null => (d ? localDateOf(d, zone) : null);
  const secrecyFilter = input.secret ? { secrecy: { not: "NONE" as const } } : { secrecy: "NONE" as const };
  let rows: (string | number | null)[][];
  /** The register numbers of the rows, for the cover's "từ số … đến số …". */
  let numbers: { number: number; year: number }[];

  if (type === "IN" || type === "TRACKING") {
    const docs = await deps.prisma.document.findMany({
      where: { orgId: scope.orgId, direction: "IN", ...secrecyFilter, ...periodWhere(scope, period) },
      orderBy: [{ registerBook: "asc" }, { registerYear: "asc" }, { registerNumber: "asc" }],
      select: {
        registerNumber: true,
        registerYear: true,
        arrivalAt: true,
        createdAt: true,
        issuer: true,
        codeNumber: true,
        codeNotation: true,
        issuedDate: true,
        docType: true,
        subject: true,
        secrecy: true,
        urgency: true,
        description: true,
        toPlaces: true,
        directives: { where: { supersededBy: null }, orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true, assignments: { select: ASSIGNMENT_SELECT } } },
      },
    });
    numbers = docs.map((d) => ({ number: d.registerNumber, year: d.registerYear }));
    if (type === "IN") {
      rows = docs.map((d) => {
        const directive = d.directives[0] ?? null;
        const units = (directive?.assignments ?? []).filter((a) => a.parentId === null && a.status !== "CANCELLED");
        const receipt = units
          .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])
          .map((a) =>
            a.acknowledgedAt
              ? t(locale, "office.register.receipt.acknowledged", { unit: a.unit.code, date: formatDate(a.acknowledgedAt, zone) })
              : a.isPaper
                ? t(locale, "office.register.receipt.paper", { unit: a.unit.code })
                : null,
          )
          .filter((s): s is string => s !== null)
          .join("; ");
        return [
          day(d.arrivalAt ?? d.createdAt),
          d.registerNumber,
          d.issuer,
          codeOf(d),
          d.issuedDate ? utcMidnightToLocalDate(d.issuedDate) : null,
          typeAndSubject(d),
          units.length > 0 ? unitList(locale, units) : (d.toPlaces ?? null),
          day(directive?.createdAt ?? null),
          receipt,
          joinNotes(secrecyNote(locale, d.secrecy), urgencyNote(locale, d.urgency), d.description),
        ];
      });
    } else {
      const now = deps.clock.now();
      numbers = [];
      rows = docs.flatMap((d) => {
        const units = (d.directives[0]?.assignments ?? []).filter((a) => a.parentId === null && a.status !== "CANCELLED");
        const main = units.find((a) => a.role === "MAIN");
        if (!main) return [];
        numbers.push({ number: d.registerNumber, year: d.registerYear });
        const code = codeOf(d);
        const doc = [
          code && d.issuedDate ? t(locale, "office.register.document.codeDated", { code, date: formatLocalDate(utcMidnightToLocalDate(d.issuedDate)) }) : code,
          d.issuer,
          typeAndSubject(d),
        ]
          .filter((s): s is string => !!s)
          .join(" — ");
        const extended = main.originalDueAt && main.dueAt && main.originalDueAt.getTime() !== main.dueAt.getTime();
        return [
          [
            d.registerNumber,
            doc,
            unitList(locale, units, ["MAIN", "COORDINATE"]),
            day(main.dueAt),
            progressText(locale, zone, main, now),
            null,
            joinNotes(
              extended ? t(locale, "office.register.note.extended", { original: formatDate(main.originalDueAt!, zone) }) : null,
              secrecyNote(locale, d.secrecy),
              urgencyNote(locale, d.urgency),
            ),
          ],
        ];
      });
    }
  } else {
    const [docs, units] = await Promise.all([
      deps.prisma.document.findMany({
        // The agency's own register: a ward with its own seal keeps its own (issuerUnitId).
        where: { orgId: scope.orgId, direction: "OUT", issuerUnitId: null, ...secrecyFilter, ...periodWhere(scope, period) },
        orderBy: [{ registerBook: "asc" }, { registerYear: "asc" }, { registerNumber: "asc" }],
        select: {
          registerBook: true,
          registerNumber: true,
          registerYear: true,
          arrivalAt: true,
          createdAt: true,
          codeNumber: true,
          codeNotation: true,
          issuedDate: true,
          docType: true,
          subject: true,
          signerName: true,
          signerTitle: true,
          toPlaces: true,
          issuedAmount: true,
          draftingUnitId: true,
          secrecy: true,
          urgency: true,
          isPaperOnly: true,
          requiresRedSeal: true,
          description: true,
          recipients: { orderBy: { createdAt: "asc" }, select: { unitId: true, externalName: true, isPaper: true, acknowledgedAt: true } },
        },
      }),
      deps.prisma.unit.findMany({ where: { orgId: scope.orgId }, select: { id: true, code: true, name: true } }),
    ]);
    const unitById = new Map(units.map((u) => [u.id, u]));
    // "Từ số … đến số …" counts the administrative series; legal normative documents (their own
    // series per type, 15/2026/QĐ-UBND) are listed after it with their full number.
    numbers = docs.filter((d) => d.registerBook === "OUT" || d.registerBook === "OUT_SECRET").map((d) => ({ number: d.registerNumber, year: d.registerYear }));
    rows = docs.map((d) => {
      const recipients = d.recipients.map((r) => (r.unitId ? (unitById.get(r.unitId)?.name ?? r.externalName ?? "") : (r.externalName ?? ""))).filter((s) => s !== "");
      const receipt = d.recipients
        .map((r) => {
          const code = r.unitId ? (unitById.get(r.unitId)?.code ?? null) : null;
          if (r.acknowledgedAt && code) return t(locale, "office.register.receipt.acknowledged", { unit: code, date: formatDate(r.acknowledgedAt, zone) });
          return null;
        })
        .filter((s): s is string => s !== null)
        .join("; ");
      return [
        codeOf(d) ?? String(d.registerNumber).padStart(2, "0"),
        d.issuedDate ? utcMidnightToLocalDate(d.issuedDate) : day(d.arrivalAt ?? d.createdAt),
        typeAndSubject(d),
        [d.signerName, d.signerTitle].filter(Boolean).join(", ") || null,
        recipients.length > 0 ? recipients.join("; ") : (d.toPlaces ?? null),
        d.draftingUnitId ? (unitById.get(d.draftingUnitId)?.name ?? null) : null,
        d.issuedAmount,
        day(d.arrivalAt),
        receipt,
        joinNotes(secrecyNote(locale, d.secrecy), urgencyNote(locale, d.urgency), d.requiresRedSeal ? t(locale, "office.register.note.redSeal") : null, d.description),
      ];
    });
  }

  const key = titleKey(type, input.secret);
  return {
    type,
    secret: input.secret,
    period,
    orgName: scope.orgName,
    sheetName: t(locale, `${key}.sheet`),
    titleLines: [scope.orgName, t(locale, `${key}.title`), ...coverLines(locale, period, numbers, input.volume)],
    columns: columnsOf(type).map((c) => ({ title: t(locale, c.titleKey), kind: c.kind, width: c.width })),
    rows,
    footerLines: [
      t(locale, "office.register.closing", { count: rows.length }),
      t(locale, "office.register.signedOn"),
      t(locale, "office.register.signer"),
      t(locale, "office.register.signerHint"),
    ],
  };
};

const pad2 = (n: number): string => String(n).padStart(2, "0");

/**
 * The cover lines of a printed register (Decree 30 App. IV): năm; từ ngày … đến ngày; từ số … đến
 * số; quyển số. A period over two years names the year beside each number (numbering restarts on
 * 1 January).
 */
export const coverLines = (locale: Locale, period: { from: LocalDate; to: LocalDate }, numbers: { number: number; year: number }[], volume?: number): string[] => {
  const fromYear = period.from.slice(0, 4);
  const toYear = period.to.slice(0, 4);
  const sorted = [...numbers].sort((a, b) => a.year - b.year || a.number - b.number);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const twoYears = first !== undefined && last !== undefined && first.year !== last.year;
  const num = (n: { number: number; year: number }): string => (twoYears ? `${pad2(n.number)}/${n.year}` : pad2(n.number));
  return [
    t(locale, "office.register.cover.year", { year: fromYear === toYear ? fromYear : `${fromYear}–${toYear}` }),
    t(locale, "office.period", { from: formatLocalDate(period.from), to: formatLocalDate(period.to) }),
    first && last ? t(locale, "office.register.cover.numbers", { from: num(first), to: num(last) }) : t(locale, "office.register.cover.noNumbers"),
    t(locale, "office.register.cover.volume", { volume: volume === undefined ? "……" : pad2(volume) }),
  ];
};

/** Tiến độ giải quyết of the main unit's assignment, as the tracking register writes it. */
const progressText = (locale: Locale, zone: string, a: UnitAssignment, now: Date): string => {
  if (a.status === "COMPLETED" && a.completedAt) {
    const late = a.dueAt !== null && a.completedAt.getTime() > a.dueAt.getTime();
    return t(locale, late ? "office.register.progress.completedLate" : "office.register.progress.completedOnTime", { date: formatDate(a.completedAt, zone) });
  }
  if (a.status === "RETURNED") return t(locale, "office.register.progress.returned");
  const overdue = a.dueAt !== null && a.dueAt.getTime() < now.getTime();
  if (a.status === "ASSIGNED") return t(locale, overdue ? "office.register.progress.notAcknowledgedOverdue" : "office.register.progress.notAcknowledged");
  return t(locale, overdue ? "office.register.progress.inProgressOverdue" : "office.register.progress.inProgress");
};

// === Files

export type RegisterFormat = "xlsx" | "csv";

export type RegisterFile = {
  bytes: Uint8Array;
  /** e.g. "so-van-ban-den_2026-11-01_2026-11-30.xlsx". */
  fileName: string;
  mime: string;
  rowCount: number;
};

/** A built register as a file. */
export const registerToFile = async (data: RegisterData, format: RegisterFormat, now?: Date): Promise<RegisterFile> => {
  const fileName = `${(data.secret ? SECRET_SLUG : SLUG)[data.type]}_${data.period.from}_${data.period.to}.${format}`;
  if (format === "csv") return { bytes: new TextEncoder().encode(tableToCsv(data)), fileName, mime: CSV_MIME, rowCount: data.rows.length };
  return { bytes: await tablesToXlsx([data], now ? { now } : {}), fileName, mime: XLSX_MIME, rowCount: data.rows.length };
};

/**
 * A register for a period as an XLSX or CSV file.
 *
 * @example const file = await exportRegister(deps, { viewer: { orgCode: "UBND" }, type: "TRACKING", period: { from: "2026-11-01", to: "2026-11-30" }, format: "csv" });
 */
export const exportRegister = async (deps: CoreDeps, input: BuildRegisterInput & { format: RegisterFormat }): Promise<RegisterFile> => {
  if (input.format !== "xlsx" && input.format !== "csv") throw new DomainError("VALIDATION", "error.validation", { detail: `format: ${String(input.format)}` });
  const data = await buildRegister(deps, input);
  return registerToFile(data, input.format, deps.clock.now());
};
