// Read-only commands: /viec (my tasks), /quahan (overdue), /tim (search), /xem REF (a document or
// an assignment). Core decides what this person may see; the bot lists it.
import {
  t,
  type OutboundMessage,
  getAssignmentByRef,
  type AssignmentHistoryEntry,
  getDocumentByRef,
  type AssignmentView,
  documentMessageActions,
  documentActionsFor,
  listMyTasks,
  listOverdue,
  searchDocuments,
  formatDateTime,
  formatDueAt,
} from "../../../core/index.ts";
import { interchangeViewLines } from "../../../core/interchange/index.ts";
import type { TurnContext } from "../context.ts";
import { lines, reply } from "../render.ts";
import { signerText, type DocRef } from "../text/index.ts";
import type { TurnResult } from "../types.ts";
import { cardActions } from "./assignments.ts";

const due = (ctx: TurnContext, at: Date | null): string | false => at !== null && formatDueAt(at, ctx.env.deps.settings.officeTimeZone, ctx.locale);

export const onTasks = async (ctx: TurnContext): Promise<TurnResult> => {
  const { items } = await listMyTasks(ctx.env.deps, { actorUserId: ctx.actor.id });
  if (items.length === 0) return { replies: [reply(ctx.locale, "bot.tasks.none")] };
  const text = lines(
    ...items.map((i) =>
      i.kind === "assignment"
        ? `• ${i.displayRef}: ${i.subject}${i.dueAt ? ` (${due(ctx, i.dueAt)})` : ""}`
        : i.kind === "toDirect"
          ? `• ${i.displayRef}: ${i.subject} → /chidao ${i.displayRef}`
          : `• ${i.displayRef}: ${i.reason} → ${formatDueAt(i.requestedDueAt, ctx.env.deps.settings.officeTimeZone, ctx.locale)}`,
    ),
  );
  return { replies: [{ title: t(ctx.locale, "bot.tasks.title", { count: items.length }), text }] };
};

export const onOverdue = async (ctx: TurnContext): Promise<TurnResult> => {
  const r = await listOverdue(ctx.env.deps, { actorUserId: ctx.actor.id });
  if (r.total === 0) return { replies: [reply(ctx.locale, "bot.overdue.none")] };
  const text = lines(...r.groups.flatMap((g) => [g.unit.name, ...g.items.map((i) => `• ${i.displayRef}: ${i.subject} (${due(ctx, i.dueAt)})`)]));
  return { replies: [{ title: t(ctx.locale, "bot.overdue.title", { count: r.total }), text }] };
};

export const onSearch = async (ctx: TurnContext, query: string): Promise<TurnResult> => {
  if (query.trim() === "") return { replies: [reply(ctx.locale, "bot.search.needWords")] };
  const r = await searchDocuments(ctx.env.deps, { actorUserId: ctx.actor.id, query });
  if (r.hits.length === 0) return { replies: [reply(ctx.locale, "bot.search.none")] };
  const text = lines(
    ...r.hits.flatMap((h) => [
      `• ${h.displayRef}${h.code ? ` (${h.code})` : ""}: ${h.subject}`,
      ...(h.snippet ? [`  ${t(ctx.locale, "bot.search.inText", { snippet: h.snippet })}`] : []),
    ]),
  );
  return { replies: [{ title: t(ctx.locale, "bot.search.title", { count: r.hits.length }), text }] };
};

const deadlineText = (ctx: TurnContext, at: Date | null): string =>
  at ? t(ctx.locale, "view.due", { due: formatDueAt(at, ctx.env.deps.settings.officeTimeZone, ctx.locale) }) : t(ctx.locale, "view.noDeadline");
const holdersText = (ctx: TurnContext, names: string[]): string => (names.length > 0 ? names.join(", ") : t(ctx.locale, "notify.none"));

/** One line of an assignment's history, with who and when. */
const historyLine = (ctx: TurnContext, h: AssignmentHistoryEntry): string =>
  t(ctx.locale, `history.${h.kind}`, {
    at: formatDateTime(h.at, ctx.env.deps.settings.officeTimeZone),
    who: h.who ?? t(ctx.locale, "notify.none"),
    text: h.text ?? "",
    date: h.date ? formatDueAt(h.date, ctx.env.deps.settings.officeTimeZone, ctx.locale) : "",
  });

/**
 * /xem D7 shows the document with every assignment's state, holder and deadline; /xem D7-TCKH the
 * assignment: its state, holder, labelled deadline, the PDF, its history and every action this
 * person may take (the table's list, as buttons or reply lines).
 */
export const onView = async (ctx: TurnContext, ref: DocRef): Promise<TurnResult> => {
  const deps = ctx.env.deps;
  const zone = deps.settings.officeTimeZone;
  if (ref.unitCode) {
    const a = await getAssignmentByRef(deps, {
      actorUserId: ctx.actor.id,
      ref: { kind: ref.kind, number: ref.number, year: ref.year, unitCode: ref.unitCode, ...(ref.suffix ? { officerCode: ref.suffix } : {}) },
    });
    const message: OutboundMessage = {
      title: `${a.displayRef}: ${a.subject}`,
      text: lines(
        a.code && `${a.code}${a.issuer ? ` · ${a.issuer}` : ""}`,
        `${a.unit.name} (${t(ctx.locale, `bot.role.${a.role}`)})`,
        a.directiveText,
        t(ctx.locale, "view.state", { state: t(ctx.locale, `state.${a.state}`) }),
        t(ctx.locale, "view.holders", { holders: holdersText(ctx, a.holders) }),
        a.dueAt ? t(ctx.locale, "view.dueLine", { due: formatDueAt(a.dueAt, zone, ctx.locale) }) : t(ctx.locale, "view.noDeadline"),
        a.originalDueAt && a.dueAt && a.originalDueAt.getTime() !== a.dueAt.getTime() && t(ctx.locale, "view.originalDue", { due: formatDueAt(a.originalDueAt, zone, ctx.locale) }),
        a.pdf && t(ctx.locale, "view.pdf", { name: a.pdf.fileName ?? `${a.documentDisplayRef}.pdf` }),
        a.history.length > 0 && t(ctx.locale, "view.history"),
        ...a.history.map((h) => historyLine(ctx, h)),
      ),
      actions: cardActions(ctx.locale, a.assignmentId, a.displayRef, a.actions),
      ...(a.pdf ? { attachments: [{ sha256: a.pdf.sha256, fileName: a.pdf.fileName ?? `${a.documentDisplayRef}.pdf`, mime: a.pdf.mime, kind: "document" as const }] } : {}),
      cardKey: `assignment:${a.assignmentId}`,
    };
    return { replies: [message] };
  }
  const d = await getDocumentByRef(deps, { actorUserId: ctx.actor.id, ref: { kind: ref.kind, number: ref.number, year: ref.year } });
  const stamped = d.files.find((f) => f.kind === "STAMPED") ?? d.files.find((f) => f.kind === "ORIGINAL");
  const line = (a: AssignmentView, key: "view.assignmentLine" | "view.delegationLine") =>
    t(ctx.locale, key, {
      ref: a.displayRef,
      role: t(ctx.locale, `bot.role.${a.role}`),
      state: t(ctx.locale, `state.${a.state}`),
      holders: holdersText(ctx, a.holders),
      due: deadlineText(ctx, a.dueAt),
    });
  const message: OutboundMessage = {
    title: `${d.displayRef}: ${d.subject}`,
    text: lines(
      d.code && `${d.code}${d.issuer ? ` · ${d.issuer}` : ""}`,
      (d.signerName || d.signerTitle) && t(ctx.locale, "view.signer", { value: signerText(d) }),
      d.directive && d.directive.text,
      ...d.assignments.filter((a) => a.isCurrent).flatMap((a) => [line(a, "view.assignmentLine"), ...a.children.map((c) => line(c, "view.delegationLine"))]),
      ...interchangeViewLines(ctx.locale, d.interchange, ctx.env.deps.settings.officeTimeZone),
    ),
    ...(stamped ? { attachments: [{ sha256: stamped.sha256, fileName: stamped.fileName ?? `${d.displayRef}.pdf`, mime: stamped.mime, kind: "document" as const }] } : {}),
    actions: documentMessageActions(ctx.locale, { id: d.documentId, shownRef: d.displayRef }, documentActionsFor(ctx.actor, d)),
  };
  return { replies: [message] };
};
