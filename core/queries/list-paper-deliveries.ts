import { z } from "zod";
import { hasRole, loadActor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { AssignmentRole, Urgency } from "../store/generated/enums.ts";
import { runUseCase } from "../use-case.ts";
import { codeOf, deadlineInfo, loadQueryContext, shownRef, URGENCY_RANK, type DeadlineInfo } from "./query-context.ts";
import { visibleDocumentsWhere } from "./visibility.ts";

export const ZListPaperDeliveriesInput = z.object({ actorUserId: z.string().min(1) });
export type ListPaperDeliveriesInput = z.input<typeof ZListPaperDeliveriesInput>;

export type PaperDelivery = DeadlineInfo & {
  assignmentId: string;
  ref: string;
  displayRef: string;
  documentId: string;
  documentRef: string;
  documentDisplayRef: string;
  subject: string;
  code: string | null;
  issuer: string | null;
  urgency: Urgency;
  role: AssignmentRole;
  unit: { code: string; name: string };
  /** The directive to print with the copy, verbatim. */
  directiveText: string;
  /** When the directive assigned it: the paper has been waiting since. */
  sentAt: Date;
};

export type ListPaperDeliveriesResult = { items: PaperDelivery[] };

/**
 * The office's paper-delivery list: assignments of units served on paper (no account) that are not
 * yet handed over (still ASSIGNED). Most urgent first, then earliest deadline, then by unit.
 * For the office (MONITOR) and clerks; anyone else is refused (FORBIDDEN).
 *
 * @example const { items } = await listPaperDeliveries(deps, { actorUserId });
 */
export const listPaperDeliveries = (deps: CoreDeps, raw: ListPaperDeliveriesInput): Promise<ListPaperDeliveriesResult> =>
  runUseCase(deps, { action: "query.paperDeliveries", actorUserId: raw.actorUserId }, async () => {
    const input = ZListPaperDeliveriesInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    if (!hasRole(actor, "MONITOR", "CLERK")) throw new DomainError("FORBIDDEN", "error.forbidden");
    const ctx = await loadQueryContext(deps, actor);
    const rows = await deps.prisma.assignment.findMany({
      where: { isPaper: true, status: "ASSIGNED", document: visibleDocumentsWhere(actor) },
      select: {
        id: true,
        ref: true,
        role: true,
        dueAt: true,
        sentAt: true,
        unit: { select: { code: true, name: true } },
        directive: { select: { text: true } },
        document: { select: { id: true, ref: true, subject: true, codeNumber: true, codeNotation: true, issuer: true, urgency: true } },
      },
    });
    const items: PaperDelivery[] = rows.map((a) => ({
      ...deadlineInfo(ctx, a.dueAt),
      assignmentId: a.id,
      ref: a.ref,
      displayRef: shownRef(ctx, a.ref),
      documentId: a.document.id,
      documentRef: a.document.ref,
      documentDisplayRef: shownRef(ctx, a.document.ref),
      subject: a.document.subject,
      code: codeOf(a.document),
      issuer: a.document.issuer,
      urgency: a.document.urgency,
      role: a.role,
      unit: a.unit,
      directiveText: a.directive.text,
      sentAt: a.sentAt,
    }));
    items.sort(
      (a, b) =>
        URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency] ||
        (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) ||
        a.unit.code.localeCompare(b.unit.code, "en") ||
        a.ref.localeCompare(b.ref, "en", { numeric: true }),
    );
    return { items };
  });
