// The register clerks' card for a package from the interchange (card mode, ./receive-package.ts): Vào sổ
// registers the stored package exactly as direct mode does (số đến, status 03, then to the leaders like any
// registered document); Trả lại sends status 02 with the clerk's reason and registers nothing. Each moves
// the package out of PENDING by compare-and-set inside its own transaction, so two clerks pressing at once,
// or one pressing twice, give one decision; the other press is told who decided what. Both are audited.
import { isAgencyClerk, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { registerIncomingDocument } from "../documents/register-incoming-document.ts";
import { writeDocumentText } from "../documents/store-document-text.ts";
import { DomainError } from "../errors.ts";
import { t } from "../messages/index.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { formatDateTime, formatLocalDate, localDateOf } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import type { EdxmlMessageHeader } from "./edxml-types.ts";
import { enqueueInterchangeStatus } from "./enqueue-status.ts";
import { packageRef, type HeldFiles } from "./pending-package.ts";
import { registrationInputOf, textLayerOf } from "./receive-package.ts";

export { packageRef };

/** The package on a card: by id (a button) or by its number (`LT5`, typed). */
export type PackageSelector = { packageId: string } | { number: number };

/** The longest reason sent back with 02. */
export const RETURN_REASON_MAX = 500;

const PACKAGE_SELECT = {
  id: true,
  orgId: true,
  number: true,
  state: true,
  axisDocId: true,
  envelope: true,
  files: true,
  documentId: true,
  decidedById: true,
  decidedAt: true,
  recallAt: true,
  document: { select: { ref: true } },
} as const;

const findPackage = async (deps: CoreDeps, orgId: string, sel: PackageSelector) => {
  const pkg = await deps.prisma.interchangePackage.findUnique({ where: "packageId" in sel ? { id: sel.packageId } : { number: sel.number }, select: PACKAGE_SELECT });
  const ref = "number" in sel ? packageRef(sel.number) : pkg ? packageRef(pkg.number) : "";
  if (!pkg || pkg.orgId !== orgId || !pkg.envelope) throw new DomainError("NOT_FOUND", "interchange.card.notFound", { ref });
  return pkg;
};

type LoadedPackage = Awaited<ReturnType<typeof findPackage>>;

/** The refusal of a press on a package that is no longer waiting: who did what, when. */
const alreadyDecided = async (deps: CoreDeps, pkg: Pick<LoadedPackage, "id">, zone: string): Promise<DomainError> => {
  const now = await deps.prisma.interchangePackage.findUniqueOrThrow({ where: { id: pkg.id }, select: { ...PACKAGE_SELECT } });
  const who = now.decidedById ? await deps.prisma.user.findUnique({ where: { id: now.decidedById }, select: { name: true } }) : null;
  const params = {
    ref: packageRef(now.number),
    who: who?.name ?? "—",
    at: now.decidedAt ? formatDateTime(now.decidedAt, zone) : "—",
    docRef: now.document ? displayRef(now.document.ref, Number(localDateOf(deps.clock.now(), zone).slice(0, 4))) : "",
  };
  if (now.state === "RECALLED")
    return new DomainError("INTERCHANGE_DECIDED", "interchange.card.recalled", { ref: params.ref, at: now.recallAt ? formatDateTime(now.recallAt, zone) : "—" });
  const key = now.state === "REGISTERED" ? "interchange.card.alreadyRegistered" : now.state === "RETURNED" ? "interchange.card.alreadyReturned" : "interchange.card.notWaiting";
  return new DomainError("INTERCHANGE_DECIDED", key, params);
};

const requireRegisterClerk = async (deps: CoreDeps, actorUserId: string) => {
  const actor = await loadActor(deps.prisma, actorUserId);
  // The incoming register is kept by the agency's clerks (the office's văn thư), as for a scan.
  if (!isAgencyClerk(actor)) throw new DomainError("FORBIDDEN", "error.forbidden");
  const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
  return { actor, zone: org.timeZone || deps.settings.officeTimeZone };
};

export type RegisterPackageResult = { packageId: string; packageRef: string; documentId: string; ref: string; displayRef: string; registerNumber: number; sentTo: string[] };

/**
 * Vào sổ: registers a waiting package as an incoming document in the clerk's name (every field from its
 * envelope, the main file and the appendices, the original package kept), answers 03 with the số đến, and
 * sends it to the leaders. A package already decided is refused with who decided it.
 *
 * @example await registerInterchangePackage(deps, { actorUserId, package: { number: 5 } }) // { ref: "D7/2026", … }
 */
export const registerInterchangePackage = (deps: CoreDeps, input: { actorUserId: string; package: PackageSelector }): Promise<RegisterPackageResult> =>
  runUseCase(deps, { action: "interchange.register", actorUserId: input.actorUserId, entityType: "InterchangePackage" }, async () => {
    const { actor, zone } = await requireRegisterClerk(deps, input.actorUserId);
    const pkg = await findPackage(deps, actor.orgId, input.package);
    if (pkg.state !== "PENDING") throw await alreadyDecided(deps, pkg, zone);
    const header = pkg.envelope as unknown as EdxmlMessageHeader;
    const held = pkg.files as unknown as HeldFiles;
    const [mainFile, ...appendices] = held.attachments;
    if (!mainFile) throw new DomainError("NOT_FOUND", "interchange.card.notFound", { ref: packageRef(pkg.number) });
    const main = { bytes: await deps.files.readBytes(mainFile.sha256), name: mainFile.name, contentType: mainFile.contentType };
    const mainText = await textLayerOf(main.bytes);
    try {
      const result = await registerIncomingDocument(deps, registrationInputOf(actor.id, header, main), {
        inTransaction: async (tx, created) => {
          // The compare-and-set: only one decision moves the package out of PENDING; a loser rolls back whole.
          const moved = await tx.interchangePackage.updateMany({
            where: { id: pkg.id, state: "PENDING" },
            data: { state: "REGISTERED", documentId: created.documentId, decidedById: actor.id, decidedAt: created.now },
          });
          if (moved.count === 0) throw new DomainError("INTERCHANGE_DECIDED", "interchange.card.notWaiting", { ref: packageRef(pkg.number) });
          await tx.storedFile.create({
            data: {
              sha256: held.original.sha256,
              size: held.original.size,
              mime: "application/xml",
              kind: "PACKAGE",
              fileName: `edxml-${pkg.axisDocId}.xml`,
              documentId: created.documentId,
              createdAt: created.now,
            },
          });
          for (const a of appendices)
            await tx.storedFile.create({
              data: { sha256: a.sha256, size: a.size, mime: a.contentType, kind: "APPENDIX", fileName: a.name, documentId: created.documentId, createdAt: created.now },
            });
          if (mainText) await writeDocumentText(tx, { documentId: created.documentId, text: mainText, source: "TEXT_LAYER" });
          await enqueueInterchangeStatus(tx, created.now, {
            packageId: pkg.id,
            header,
            statusCode: "03",
            description: t("vi", "interchange.status.03", { number: created.registerNumber, date: formatLocalDate(localDateOf(created.now, zone)) }),
          });
          await appendAuditEvent(tx, {
            type: "interchange.packageRegistered",
            at: created.now,
            orgId: actor.orgId,
            actorUserId: actor.id,
            entityType: "InterchangePackage",
            entityId: pkg.id,
            data: { packageRef: packageRef(pkg.number), axisDocId: pkg.axisDocId, documentId: created.documentId, ref: created.ref },
          });
        },
      });
      return {
        packageId: pkg.id,
        packageRef: packageRef(pkg.number),
        documentId: result.documentId,
        ref: result.ref,
        displayRef: result.displayRef,
        registerNumber: result.registerNumber,
        sentTo: result.sentTo,
      };
    } catch (err) {
      // Another clerk decided meanwhile: say who and what, as for a press after the fact.
      if (err instanceof DomainError && err.code === "INTERCHANGE_DECIDED") throw await alreadyDecided(deps, pkg, zone);
      throw err;
    }
  });

export type ReturnPackageResult = { packageId: string; packageRef: string; reason: string };

/**
 * Trả lại: returns a waiting package to its sender with status 02 and the clerk's reason (required; kept
 * verbatim: it is text, whatever it looks like), registers nothing, and tells the office (MONITOR users).
 *
 * @example await returnInterchangePackage(deps, { actorUserId, package: { number: 5 }, reason: "Gửi nhầm cơ quan" })
 */
export const returnInterchangePackage = (deps: CoreDeps, input: { actorUserId: string; package: PackageSelector; reason: string }): Promise<ReturnPackageResult> =>
  runUseCase(deps, { action: "interchange.return", actorUserId: input.actorUserId, entityType: "InterchangePackage" }, async () => {
    const { actor, zone } = await requireRegisterClerk(deps, input.actorUserId);
    const pkg = await findPackage(deps, actor.orgId, input.package);
    const ref = packageRef(pkg.number);
    if (pkg.state !== "PENDING") throw await alreadyDecided(deps, pkg, zone);
    const reason = input.reason.trim();
    if (reason === "") throw new DomainError("REASON_REQUIRED", "interchange.card.reasonRequired", { ref });
    if (reason.length > RETURN_REASON_MAX) throw new DomainError("VALIDATION", "interchange.card.reasonTooLong", { ref, max: RETURN_REASON_MAX });
    const header = pkg.envelope as unknown as EdxmlMessageHeader;
    const now = deps.clock.now();
    const decided = await deps.prisma.$transaction(async (tx) => {
      // The document's key is released: the sender may send a corrected one with the same số/ký hiệu.
      const moved = await tx.interchangePackage.updateMany({
        where: { id: pkg.id, state: "PENDING" },
        data: { state: "RETURNED", returnReason: reason, decidedById: actor.id, decidedAt: now, codeNumber: null, codeNotation: null, promulgationDate: null },
      });
      if (moved.count === 0) return false;
      await enqueueInterchangeStatus(tx, now, { packageId: pkg.id, header, statusCode: "02", description: reason });
      await appendAuditEvent(tx, {
        type: "interchange.packageReturned",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "InterchangePackage",
        entityId: pkg.id,
        data: { packageRef: ref, axisDocId: pkg.axisDocId, reason },
      });
      const monitors = await tx.user.findMany({ where: { orgId: actor.orgId, active: true, roles: { has: "MONITOR" } }, select: { id: true } });
      await enqueueOutbox(
        tx,
        now,
        monitors.map((m) => ({
          userId: m.id,
          kind: "office.interchangeReturned" as const,
          payload: { packageId: pkg.id },
          dedupeKey: `office.interchangeReturned:${pkg.id}:${m.id}`,
        })),
      );
      return true;
    });
    if (!decided) throw await alreadyDecided(deps, pkg, zone);
    return { packageId: pkg.id, packageRef: ref, reason };
  });
