import { z } from "zod";
import { loadActor, seesAllDocuments } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { seesSecretMetadata } from "../queries/visibility.ts";
import { endOfLocalDay, formatDate, formatLocalDate, startOfLocalDay, utcMidnightToLocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { numberAndNotation } from "./notation.ts";

const LOCAL_DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

export const ZListOutgoingRegisterInput = z.object({
  actorUserId: z.string().min(1),
  /** First day (office time), inclusive, YYYY-MM-DD. */
  from: LOCAL_DATE,
  /** Last day (office time), inclusive, YYYY-MM-DD. */
  to: LOCAL_DATE,
  /** The register: "OUT" (default) or the secret one, "OUT_SECRET" (clerks, leaders, the office). */
  book: z.enum(["OUT", "OUT_SECRET"]).default("OUT"),
});
export type ListOutgoingRegisterInput = z.input<typeof ZListOutgoingRegisterInput>;

/**
 * One row of the outgoing register (sổ đăng ký văn bản đi, Decree 30 Appendix IV): the ten columns
 * as printed, plus the raw fields an export may want.
 */
export type OutgoingRegisterRow = {
  /** (1) Số, ký hiệu văn bản: "05/UBND-VP". */
  numberAndNotation: string;
  /** (2) Ngày tháng văn bản: "dd/mm/yyyy". */
  date: string;
  /** (3) Tên loại và trích yếu nội dung văn bản: "Công văn V/v …". */
  typeAndSubject: string;
  /** (4) Người ký: "Chủ tịch Nguyễn Văn An". */
  signer: string;
  /** (5) Nơi nhận văn bản: recipient names, "; "-separated. */
  recipients: string;
  /** (6) Đơn vị, người nhận bản lưu: the drafting unit (and the văn thư's file). */
  archiveCopy: string;
  /** (7) Số lượng bản: recorded paper copies, null when not recorded. */
  copies: number | null;
  /** (8) Ngày chuyển: when it was issued (dd/mm/yyyy). */
  transferredOn: string;
  /** (9) Ký nhận: recipients that confirmed receipt, "TCKH (dd/mm/yyyy); …". */
  receipts: string;
  /** (10) Ghi chú: description, red seal, signature, secrecy. */
  notes: string;
  // Raw fields
  documentId: string;
  ref: string;
  registerNumber: number;
  docType: string;
  subject: string;
  issuedDate: string | null;
  issuedAt: Date | null;
  urgency: string;
  secrecy: string;
  isSigned: boolean;
  requiresRedSeal: boolean;
};

export type ListOutgoingRegisterResult = { book: "OUT" | "OUT_SECRET"; from: string; to: string; rows: OutgoingRegisterRow[] };

/**
 * The outgoing register between two days (by issuing time, office zone), in register order. For the
 * agency's clerks, leaders, the office and admins (secret register: clerks, leaders, the office).
 * The office-reports feature turns it into XLSX/CSV.
 *
 * @example const { rows } = await listOutgoingRegister(deps, { actorUserId, from: "2026-01-01", to: "2026-12-31" });
 */
export const listOutgoingRegister = (deps: CoreDeps, raw: ListOutgoingRegisterInput): Promise<ListOutgoingRegisterResult> =>
  runUseCase(deps, { action: "outgoing.register", actorUserId: raw.actorUserId, entityType: "Register" }, async () => {
    const input = ZListOutgoingRegisterInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const allowed = input.book === "OUT_SECRET" ? seesSecretMetadata(actor) : seesAllDocuments(actor);
    if (!allowed) throw new DomainError("FORBIDDEN", "error.forbidden");
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
    const zone = org.timeZone || deps.settings.officeTimeZone;
    const docs = await deps.prisma.document.findMany({
      where: {
        orgId: actor.orgId,
        direction: "OUT",
        registerBook: input.book,
        arrivalAt: { gte: startOfLocalDay(input.from, zone), lte: endOfLocalDay(input.to, zone) },
      },
      orderBy: [{ registerYear: "asc" }, { registerNumber: "asc" }],
      select: {
        id: true,
        ref: true,
        registerNumber: true,
        docType: true,
        codeNumber: true,
        codeNotation: true,
        subject: true,
        issuedDate: true,
        arrivalAt: true,
        signerName: true,
        signerTitle: true,
        issuedAmount: true,
        description: true,
        urgency: true,
        secrecy: true,
        isSigned: true,
        requiresRedSeal: true,
        draftingUnitId: true,
        recipients: { orderBy: { createdAt: "asc" }, select: { unitId: true, externalName: true, acknowledgedAt: true } },
      },
    });
    const unitIds = new Set<string>();
    for (const d of docs) {
      if (d.draftingUnitId) unitIds.add(d.draftingUnitId);
      for (const r of d.recipients) if (r.unitId) unitIds.add(r.unitId);
    }
    const units = new Map((await deps.prisma.unit.findMany({ where: { id: { in: [...unitIds] } }, select: { id: true, code: true, name: true } })).map((u) => [u.id, u]));
    const day = (at: Date) => formatLocalDate(utcMidnightToLocalDate(at));
    const dayOf = (at: Date) => formatDate(at, zone);
    const rows = docs.map((d): OutgoingRegisterRow => {
      const names = d.recipients.map((r) => (r.unitId ? (units.get(r.unitId)?.name ?? "") : (r.externalName ?? "")));
      const receipts = d.recipients
        .filter((r) => r.acknowledgedAt)
        .map((r) => `${r.unitId ? (units.get(r.unitId)?.code ?? "") : (r.externalName ?? "")} (${dayOf(r.acknowledgedAt!)})`);
      const notes = [
        d.description,
        d.secrecy !== "NONE" ? `Độ mật: ${d.secrecy}` : null,
        d.requiresRedSeal ? "Dấu đỏ: phát hành bản giấy" : null,
        d.isSigned ? "Đã ký số cơ quan" : null,
      ].filter(Boolean);
      return {
        numberAndNotation: numberAndNotation(d.codeNumber, d.codeNotation),
        date: d.issuedDate ? day(d.issuedDate) : "",
        typeAndSubject: `${d.docType} ${d.subject}`,
        signer: [d.signerTitle, d.signerName].filter(Boolean).join(" "),
        recipients: names.join("; "),
        archiveCopy: [d.draftingUnitId ? units.get(d.draftingUnitId)?.name : null, "Văn thư"].filter(Boolean).join("; "),
        copies: d.issuedAmount,
        transferredOn: d.arrivalAt ? dayOf(d.arrivalAt) : "",
        receipts: receipts.join("; "),
        notes: notes.join("; "),
        documentId: d.id,
        ref: d.ref,
        registerNumber: d.registerNumber,
        docType: d.docType,
        subject: d.subject,
        issuedDate: d.issuedDate ? utcMidnightToLocalDate(d.issuedDate) : null,
        issuedAt: d.arrivalAt,
        urgency: d.urgency,
        secrecy: d.secrecy,
        isSigned: d.isSigned,
        requiresRedSeal: d.requiresRedSeal,
      };
    });
    return { book: input.book, from: input.from, to: input.to, rows };
  });
