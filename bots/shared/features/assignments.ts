// The assignment commands and buttons: /nhan, /xong, /tiendo, /giao, /tralai, /giahan, and the
// Nhận / Xong / gia hạn buttons. The REF (or the button's id) only names the assignment: core
// checks, on every press, that this person holds it (a forged or replayed press is refused and
// audited by runUseCase).
import {
  acknowledgeAssignment,
  completeAssignment,
  decideExtension,
  delegateAssignment,
  reportProgress,
  requestExtension,
  returnAssignment,
  displayRef,
  t,
  type Locale,
  type MessageAction,
  getAssignmentById,
  getAssignmentByRef,
  resolveAssignmentRef,
  type AssignmentDetail,
  ASSIGNMENT_COMMANDS,
  assignmentMessageActions,
  extensionMessageActions,
  type ActionOutcome,
  requireAssignmentAction,
  type AssignmentAction,
  DomainError,
  type AssignmentRefInput,
  formatDueAt,
} from "../../../core/index.ts";
import type { UploadPart } from "../../../core/pdf/index.ts";
import { withFilesInMemory } from "../incoming-files.ts";
import { foldVietnamese } from "../text/fold.ts";
import { mapError } from "../map-error.ts";
import { parseMessage } from "../text/index.ts";
import { isoDate } from "../context.ts";
import type { TurnContext } from "../context.ts";
import { reply } from "../render.ts";
import type { DocRef, ParsedCommand } from "../text/index.ts";
import type { CardUpdate, IncomingFile, TurnResult } from "../types.ts";

type RefCommand = Extract<ParsedCommand, { name: "ack" | "done" | "progress" | "return" | "extend" | "delegate" }>;

/** A "Xong" button was pressed: the next text (and files) is the completion report. */
export type DoneReportState = { kind: "doneReport"; assignmentId: string };

/** A progress / return / extend / delegate button was pressed: the next text is its words. */
export type AssignmentArgState = { kind: "assignmentArg"; action: "progress" | "return" | "extend" | "delegate"; assignmentId: string; ref: string };

const EXAMPLE: Record<RefCommand["name"], string> = {
  ack: "/nhan D7-TCKH",
  done: "/xong D7-TCKH …",
  progress: "/tiendo D7-TCKH …",
  return: "/tralai D7-TCKH …",
  extend: "/giahan D7-TCKH 30/12/2026 …",
  delegate: "/giao D7-TCKH cv.tckh 5 ngày",
};

/** A typed REF → the assignment's ref for core; `D7` alone means the person's own unit. */
const refInput = (ctx: TurnContext, ref: DocRef): AssignmentRefInput => ({
  kind: ref.kind,
  number: ref.number,
  year: ref.year,
  unitCode: ref.unitCode ?? ctx.actor.unitCode,
  ...(ref.suffix ? { officerCode: ref.suffix } : {}),
});

/**
 * The buttons an assignment card carries for this person now (the living card): exactly the
 * actions the transition table allows, built by the same core function as the outbox's cards.
 */
export const cardActions = (locale: Locale, assignmentId: string, shownRef: string, allowed: readonly AssignmentAction[]): MessageAction[] =>
  assignmentMessageActions(locale, { id: assignmentId, shownRef }, allowed);

/** The living card's key of an assignment (the outbox's cards carry the same). */
export const assignmentCardKey = (assignmentId: string): string => `assignment:${assignmentId}`;

/**
 * The card of the assignment a use case changed, from what the use case returned (its id, ref and
 * the actions this person has now): nothing is read again.
 */
const cardOf = (ctx: TurnContext, changed: ActionOutcome<AssignmentAction>): CardUpdate => ({
  actions: cardActions(ctx.locale, changed.id, shown(ctx, changed.ref), changed.actions),
  cardKey: assignmentCardKey(changed.id),
});

/** The reply, with the changed assignment's card as it is now (the channel updates the card it shows). */
const withCard = (ctx: TurnContext, changed: ActionOutcome<AssignmentAction>, result: TurnResult): TurnResult => ({ ...result, card: cardOf(ctx, changed) });

/** The platform's id of the message that carried the turn (evidence of an acknowledgement). */
const messageIdOf = (ctx: TurnContext): { messageId?: string } => (ctx.turn.messageId ? { messageId: ctx.turn.messageId } : {});

const shown = (ctx: TurnContext, canonical: string): string => displayRef(canonical, ctx.today.year);

/** Runs a report use case with the report's files in memory (inside the large-file gate). */
const withCoreFiles = <T>(files: IncomingFile[] | undefined, fn: (files: UploadPart[]) => Promise<T>): Promise<T> =>
  withFilesInMemory(files ?? [], (inMemory) =>
    fn(inMemory.map((f) => ({ bytes: f.bytes, ...(f.fileName ? { fileName: f.fileName } : {}), ...(f.mime ? { mimeHint: f.mime } : {}) }))),
  );

/** A typed assignment command. */
export const onAssignmentCommand = async (ctx: TurnContext, cmd: RefCommand, files?: IncomingFile[]): Promise<TurnResult> => {
  const { locale } = ctx;
  const deps = ctx.env.deps;
  if (!cmd.ref) return { replies: [reply(locale, "bot.refMissing", { example: EXAMPLE[cmd.name] })] };
  const typedRef = `${cmd.ref.kind === "IN" ? "D" : "P"}${cmd.ref.number}${cmd.ref.unitCode ? `-${cmd.ref.unitCode}` : ""}`;
  // Check the texts a use case needs before looking anything up.
  if (cmd.name === "done" && cmd.report.trim() === "") return { replies: [reply(locale, "bot.done.needText", { ref: typedRef })] };
  if (cmd.name === "progress" && cmd.text.trim() === "") return { replies: [reply(locale, "bot.progress.needText", { ref: typedRef })] };
  if (cmd.name === "return" && cmd.reason.trim() === "") return { replies: [reply(locale, "bot.return.needReason", { ref: typedRef })] };
  const decision = cmd.name === "extend" && !cmd.due ? extensionDecisionOf(cmd.reason) : null;
  if (decision !== null) return onExtensionDecisionText(ctx, cmd.ref, decision);
  if (cmd.name === "extend" && (!cmd.due || cmd.reason.trim() === "")) return { replies: [reply(locale, "bot.extend.needDate", { ref: typedRef })] };
  if (cmd.name === "extend" && cmd.due?.kind !== "date") return { replies: [reply(locale, "bot.extend.needAbsoluteDate", { ref: typedRef })] };
  if (cmd.name === "delegate" && !cmd.officerCode) return { replies: [reply(locale, "bot.delegate.needOfficer", { ref: typedRef })] };

  // The ref names the assignment; the use case reads it (once) and returns its card's actions.
  const { assignmentId: id } = await resolveAssignmentRef(deps, { actorUserId: ctx.actor.id, ref: refInput(ctx, cmd.ref) });
  const actorUserId = ctx.actor.id;
  switch (cmd.name) {
    case "ack": {
      const r = await acknowledgeAssignment(deps, { actorUserId, assignmentId: id, channel: ctx.turn.channel, ...messageIdOf(ctx) });
      return withCard(ctx, r, { replies: [reply(locale, "bot.ack.done", { ref: shown(ctx, r.ref) })] });
    }
    case "done": {
      const r = await withCoreFiles(files, (parts) => completeAssignment(deps, { actorUserId, assignmentId: id, text: cmd.report, files: parts }));
      return withCard(ctx, r, { replies: [reply(locale, "bot.done.done", { ref: shown(ctx, r.ref) })] });
    }
    case "progress": {
      const r = await withCoreFiles(files, (parts) => reportProgress(deps, { actorUserId, assignmentId: id, text: cmd.text, files: parts }));
      return withCard(ctx, r, { replies: [reply(locale, "bot.progress.done", { ref: shown(ctx, r.ref) })] });
    }
    case "return": {
      const r = await returnAssignment(deps, { actorUserId, assignmentId: id, reason: cmd.reason });
      return withCard(ctx, r, { replies: [reply(locale, "bot.return.done", { ref: shown(ctx, r.ref) })] });
    }
    case "extend": {
      const date = cmd.due!.kind === "date" ? cmd.due!.date : ctx.today;
      const r = await requestExtension(deps, { actorUserId, assignmentId: id, reason: cmd.reason, newDue: { date: isoDate(date) } });
      return { replies: [reply(locale, "bot.extend.done", { ref: shown(ctx, r.ref), due: formatDueAt(r.requestedDueAt, deps.settings.officeTimeZone, locale) })] };
    }
    case "delegate": {
      const due = cmd.due ? (cmd.due.kind === "date" ? { date: isoDate(cmd.due.date) } : { workingDays: cmd.due.workingDays }) : undefined;
      const r = await delegateAssignment(deps, {
        actorUserId,
        assignmentId: id,
        officerUserCode: cmd.officerCode!,
        ...(due ? { due } : {}),
        ...(cmd.note.trim() !== "" ? { note: cmd.note } : {}),
      });
      return withCard(ctx, r.unit, { replies: [reply(locale, "bot.delegate.done", { ref: shown(ctx, r.ref), officer: r.officerName })] });
    }
  }
};

/** The Nhận button: acknowledge, then the card keeps only the buttons that still apply. */
export const onAckPress = async (ctx: TurnContext, assignmentId: string): Promise<TurnResult> => {
  const r = await acknowledgeAssignment(ctx.env.deps, { actorUserId: ctx.actor.id, assignmentId, channel: ctx.turn.channel, ...messageIdOf(ctx) });
  return { replies: [], callbackText: t(ctx.locale, "bot.ack.done", { ref: shown(ctx, r.ref) }), card: cardOf(ctx, r) };
};

/** The Xong button: the next message is the report. */
export const onDonePress = async (ctx: TurnContext, assignmentId: string): Promise<TurnResult> => {
  await ctx.conversation.set<DoneReportState>({ kind: "doneReport", assignmentId });
  return { replies: [reply(ctx.locale, "bot.done.askReport")], callbackText: t(ctx.locale, "bot.done.askReport") };
};

/** The report typed after the Xong button. */
export const onDoneReport = async (ctx: TurnContext, assignmentId: string, text: string, files?: IncomingFile[]): Promise<TurnResult> => {
  const r = await withCoreFiles(files, (parts) => completeAssignment(ctx.env.deps, { actorUserId: ctx.actor.id, assignmentId, text, files: parts }));
  await ctx.conversation.clear();
  return withCard(ctx, r, { replies: [reply(ctx.locale, "bot.done.done", { ref: shown(ctx, r.ref) })] });
};

/** The decision words of `/giahan REF dong y` / `/giahan REF khong` (the extension card's reply lines). */
const extensionDecisionOf = (text: string): boolean | null => {
  const folded = foldVietnamese(text).toLowerCase().trim().replace(/\s+/g, " ");
  if (/^(dong y|dong y gia han|co|ok)$/.test(folded)) return true;
  if (/^(khong|khong dong y|tu choi)$/.test(folded)) return false;
  return null;
};

/** A leader answers an extension request by text (Zalo's way; works everywhere). */
const onExtensionDecisionText = async (ctx: TurnContext, ref: DocRef, grant: boolean): Promise<TurnResult> => {
  const detail = await getAssignmentByRef(ctx.env.deps, { actorUserId: ctx.actor.id, ref: refInput(ctx, ref) });
  if (detail.pendingExtensionId === null) throw new DomainError("EXTENSION_NOT_FOUND", "assignment.extensionNotFound");
  await decideExtension(ctx.env.deps, { actorUserId: ctx.actor.id, extensionId: detail.pendingExtensionId, grant });
  return { replies: [reply(ctx.locale, "bot.extend.decided")] };
};

/**
 * The leader's Đồng ý / Không buttons on an extension request. A press on a request that is no
 * longer waiting (decided, or closed with its assignment) changes nothing and answers with the
 * request's current state; the card loses its buttons either way.
 */
export const onExtensionPress = async (ctx: TurnContext, extensionId: string, grant: boolean): Promise<TurnResult> => {
  let r: Awaited<ReturnType<typeof decideExtension>>;
  try {
    r = await decideExtension(ctx.env.deps, { actorUserId: ctx.actor.id, extensionId, grant });
  } catch (err) {
    if (err instanceof DomainError && (err.code === "EXTENSION_CLOSED" || err.code === "EXTENSION_ALREADY_DECIDED")) {
      const message = mapError(err, { locale: ctx.locale, updateKey: ctx.turn.updateKey, logger: ctx.env.logger });
      return { replies: [message], callbackText: message.text, card: { actions: [] } };
    }
    throw err;
  }
  // The card keeps the decisions left (none, once decided).
  return {
    replies: [],
    callbackText: t(ctx.locale, "bot.extend.decided"),
    card: { actions: extensionMessageActions(ctx.locale, { id: r.id, assignmentShownRef: shown(ctx, r.ref) }, r.actions) },
  };
};

/** What a button of an action that needs words (progress, return, extend, delegate) asks for. */
export type AssignmentArgAction = Exclude<AssignmentAction, "ack" | "complete">;

/**
 * A press of any assignment button. It acts only when the table still allows this person the action;
 * otherwise it answers with the assignment's current state (why not) and the card shows the actions
 * that do apply now. Ack acts at once; complete and the others ask for their words first.
 */
export const onAssignmentPress = async (ctx: TurnContext, action: AssignmentAction, assignmentId: string): Promise<TurnResult> => {
  const detail = await getAssignmentById(ctx.env.deps, { actorUserId: ctx.actor.id, assignmentId });
  if (!detail.actions.includes(action)) {
    const card = { actions: cardActions(ctx.locale, detail.assignmentId, detail.displayRef, detail.actions), cardKey: assignmentCardKey(detail.assignmentId) };
    const message = mapError(staleReason(ctx, detail, action), { locale: ctx.locale, updateKey: ctx.turn.updateKey, logger: ctx.env.logger });
    return { replies: [message], callbackText: message.text, card };
  }
  switch (action) {
    case "ack":
      return onAckPress(ctx, assignmentId);
    case "complete":
      return onDonePress(ctx, assignmentId);
    default: {
      await ctx.conversation.set<AssignmentArgState>({ kind: "assignmentArg", action, assignmentId, ref: detail.displayRef });
      const ask = reply(ctx.locale, `bot.press.${action}`, { ref: detail.displayRef });
      return { replies: [ask], callbackText: ask.text };
    }
  }
};

/** Why the table refuses the action now, as the error the use case would give. */
const staleReason = (ctx: TurnContext, d: AssignmentDetail, action: AssignmentAction): unknown => {
  try {
    requireAssignmentAction(
      ctx.actor,
      {
        unitId: d.unit.id,
        parentId: d.parentId,
        assigneeUserId: d.assignee?.id ?? null,
        status: d.status,
        role: d.role,
        dueAt: d.dueAt,
        hasPendingExtension: d.hasPendingExtension,
      },
      action,
      d.displayRef,
    );
  } catch (err) {
    return err;
  }
  return new DomainError("ASSIGNMENT_CONFLICT", "assignment.changedMeanwhile", { ref: d.displayRef });
};

/** The words typed after a progress / return / extend / delegate button: run as the typed command. */
export const onAssignmentArgText = async (ctx: TurnContext, state: { action: AssignmentArgAction; ref: string }, text: string, files?: IncomingFile[]): Promise<TurnResult> => {
  await ctx.conversation.clear();
  const parsed = parseMessage(`${ASSIGNMENT_COMMANDS[state.action]} ${state.ref} ${text}`, { today: ctx.today });
  if (parsed.kind !== "command" || !["progress", "return", "extend", "delegate"].includes(parsed.name)) return { replies: [reply(ctx.locale, "bot.notUnderstood")] };
  return onAssignmentCommand(ctx, parsed as RefCommand, files);
};
