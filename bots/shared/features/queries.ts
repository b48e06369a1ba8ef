// Read-only commands: /viec (my tasks), /quahan (overdue), /tim (search), /xem REF (a document or
// an assignment). Core decides what this person may see; the bot lists it.
import { hasRole } from "../../../core/actors/actor.ts";
import { t } from "../../../core/messages/index.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { getAssignmentByRef } from "../../../core/queries/get-assignment.ts";
import { getDocumentByRef } from "../../../core/queries/get-document.ts";
import { listMyTasks } from "../../../core/queries/list-my-tasks.ts";
import { listOverdue } from "../../../core/queries/list-overdue.ts";
import { searchDocuments } from "../../../core/queries/search-documents.ts";
import { formatDueAt } from "../../../core/time.ts";
import { encodeCallback } from "../callback-data.ts";
import type { TurnContext } from "../context.ts";
import { lines, reply } from "../render.ts";
import type { DocRef } from "../text/index.ts";
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
  const text = lines(...r.hits.map((h) => `• ${h.displayRef}${h.code ? ` (${h.code})` : ""}: ${h.subject}`));
  return { replies: [{ title: t(ctx.locale, "bot.search.title", { count: r.hits.length }), text }] };
};

/** /xem D7 shows the document; /xem D7-TCKH the assignment, with its buttons. */
export const onView = async (ctx: TurnContext, ref: DocRef): Promise<TurnResult> => {
  const deps = ctx.env.deps;
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
        due(ctx, a.dueAt),
      ),
      actions: cardActions(ctx.locale, a.assignmentId, a.displayRef, a.actions),
      cardKey: `assignment:${a.assignmentId}`,
    };
    return { replies: [message] };
  }
  const d = await getDocumentByRef(deps, { actorUserId: ctx.actor.id, ref: { kind: ref.kind, number: ref.number, year: ref.year } });
  const stamped = d.files.find((f) => f.kind === "STAMPED") ?? d.files.find((f) => f.kind === "ORIGINAL");
  const message: OutboundMessage = {
    title: `${d.displayRef}: ${d.subject}`,
    text: lines(
      d.code && `${d.code}${d.issuer ? ` · ${d.issuer}` : ""}`,
      d.directive && d.directive.text,
      ...d.assignments.filter((a) => a.isCurrent).map((a) => `• ${a.displayRef} (${t(ctx.locale, `bot.role.${a.role}`)})${a.dueAt ? `: ${due(ctx, a.dueAt)}` : ""}`),
    ),
    ...(stamped ? { attachments: [{ sha256: stamped.sha256, fileName: stamped.fileName ?? `${d.displayRef}.pdf`, mime: stamped.mime, kind: "document" as const }] } : {}),
    ...(d.directive === null && d.direction === "IN" && !d.isPaperOnly && hasRole(ctx.actor, "LEADER")
      ? { actions: [{ label: t(ctx.locale, "bot.cmd.direct"), command: `/chidao ${d.displayRef}`, callback: encodeCallback({ kind: "direct", documentId: d.documentId }) }] }
      : {}),
  };
  return { replies: [message] };
};

