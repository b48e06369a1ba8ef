// /chidao: a leader's directive by text (DESIGN.md "References and the directive grammar"). The bot
// echoes what core understood (units by full name, the deadline with its weekday and the working
// days left) and records nothing before /ok.
import {
  issueDirective,
  previewDirective,
  type DirectivePlan,
  type DueInput,
  type IssueDirectiveInput,
  displayRef,
  t,
  type OutboundMessage,
  getDocumentByRef,
  formatDueAt,
  formatLocalDate,
  encodeCallback,
} from "../../../core/index.ts";
import { isoDate } from "../context.ts";
import type { TurnContext } from "../context.ts";
import { newNonce } from "../conversation.ts";
import type { StoredState } from "../conversation.ts";
import { action, grammarErrorLines, lines, reply } from "../render.ts";
import { parseDirectiveBody } from "../text/index.ts";
import type { DateOrDuration, ParsedDirective } from "../text/index.ts";
import type { TurnResult } from "../types.ts";

/**
 * A directive echoed, waiting for /ok. `G` is the guided directive it ends (features/direct-guide.ts),
 * kept as it is so that "Sửa" goes back to it.
 */
export type DirectState<G extends StoredState = StoredState> = {
  kind: "direct";
  /** Checked by previewDirective; issued as it is after /ok. */
  input: IssueDirectiveInput;
  nonce: string;
  /** The echo's commands in order, for numbered replies ("1" = the first); see BotEnv.numberedChoices. */
  choices?: string[];
  /** The echo ends a guided directive: "Sửa" goes back to it. */
  guide?: G;
};

/**
 * The next text is the directive on this document, in the grammar. Set by versions before the
 * guided flow (features/direct-guide.ts); a state left from then is still honoured.
 */
export type DirectTextState = { kind: "directText"; documentId: string };

const toDue = (d: DateOrDuration | undefined): DueInput | undefined =>
  d === undefined ? undefined : d.kind === "date" ? { date: isoDate(d.date) } : { workingDays: d.workingDays };

/** `/chidao REF …` typed: resolve the document, then preview. */
export const onDirectCommand = async (ctx: TurnContext, directive: ParsedDirective): Promise<TurnResult> => {
  if (!directive.ref) {
    const errors = directive.errors.length > 0 ? directive.errors : [{ line: 0, messageKey: "grammar.missingRef" as const, value: "" }];
    return { replies: [{ text: grammarErrorLines(ctx.locale, errors) }] };
  }
  const doc = await getDocumentByRef(ctx.env.deps, {
    actorUserId: ctx.actor.id,
    ref: { kind: directive.ref.kind, number: directive.ref.number, year: directive.ref.year },
  });
  return previewAndEcho(ctx, doc.documentId, directive);
};

/** The text after a "Chỉ đạo" button press: the directive on that document. */
export const onDirectText = async (ctx: TurnContext, documentId: string, text: string): Promise<TurnResult> =>
  previewAndEcho(ctx, documentId, parseDirectiveBody(text, { today: ctx.today }));

const previewAndEcho = async (ctx: TurnContext, documentId: string, d: ParsedDirective): Promise<TurnResult> => {
  const errors = d.errors.filter((e) => e.messageKey !== "grammar.missingRef");
  if (errors.length > 0) return { replies: [{ text: grammarErrorLines(ctx.locale, errors) }] };
  // No deadline typed: core takes the one the sender asked for, or says that one is needed.
  const due = toDue(d.dueByRole.main ?? d.due);
  const coordinateDue = toDue(d.dueByRole.coordinate);
  const input: IssueDirectiveInput = {
    actorUserId: ctx.actor.id,
    documentId,
    ...(d.onBehalfOf ? { onBehalfOfUserCode: d.onBehalfOf } : {}),
    text: d.text,
    main: d.main[0] ?? "",
    coordinate: d.coordinate,
    info: d.info,
    ...(due ? { due } : {}),
    ...(coordinateDue ? { coordinateDue } : {}),
  };
  return echoDirective(ctx, input);
};

/**
 * Previews a directive and shows the echo that waits for /ok. The echo of a guided directive
 * (features/direct-guide.ts) also offers "Sửa", which goes back to the guide.
 */
export const echoDirective = async <G extends StoredState>(ctx: TurnContext, input: IssueDirectiveInput, guide?: G): Promise<TurnResult> => {
  const plan = await previewDirective(ctx.env.deps, input);
  const state: DirectState<G> = { kind: "direct", input, nonce: newNonce(), ...(guide ? { guide } : {}) };
  const message = echo(ctx, plan, input, state.nonce, guide !== undefined);
  // Channels without buttons show these as numbered choices: "1" picks the first command.
  state.choices = (message.actions ?? []).map((a) => a.command);
  await ctx.conversation.set(state);
  return { replies: [message] };
};

const echo = (ctx: TurnContext, plan: DirectivePlan, input: IssueDirectiveInput, nonce: string, isGuided = false): OutboundMessage => {
  const { locale } = ctx;
  const zone = ctx.env.deps.settings.officeTimeZone;
  const names = (role: string) => plan.assignments.filter((a) => a.role === role).map((a) => a.unitName);
  const main = plan.assignments.find((a) => a.role === "MAIN");
  const coord = plan.assignments.find((a) => a.role === "COORDINATE");
  const paper = plan.assignments.filter((a) => a.isPaper).map((a) => a.unitName);
  // A deadline typed as working days ("5 ngày") is echoed as "5 ngày làm việc → Thứ Năm, 17/12/2026";
  // a date as the date with the working days left.
  const dueLine = (key: "bot.direct.echo.due" | "bot.direct.echo.coordinateDue", a: typeof main, typed: DueInput | undefined) => {
    if (!a?.dueAt) return false;
    const due = formatDueAt(new Date(a.dueAt), zone, locale);
    if (typed && "workingDays" in typed) return t(locale, `${key}WorkingDays`, { workingDays: typed.workingDays, due });
    return t(locale, key, { due, days: a.workingDaysLeft ?? 0 });
  };
  return {
    title: t(locale, "bot.direct.echo.title", { ref: displayRef(plan.documentRef, ctx.today.year) }),
    text: lines(
      t(locale, plan.enteredById !== plan.authorId ? "bot.direct.echo.onBehalf" : "bot.direct.echo.author", { name: plan.authorName }),
      t(locale, "bot.direct.echo.text", { text: plan.text }),
      t(locale, "bot.direct.echo.main", { units: names("MAIN").join(", ") }),
      names("COORDINATE").length > 0 && t(locale, "bot.direct.echo.coordinate", { units: names("COORDINATE").join(", ") }),
      names("INFO").length > 0 && t(locale, "bot.direct.echo.info", { units: names("INFO").join(", ") }),
      dueLine("bot.direct.echo.due", main, input.due),
      plan.requestedDue !== null &&
        t(locale, plan.requestedDue.isUsed ? "bot.direct.echo.dueFromRequest" : "bot.direct.echo.requestedDue", { requested: formatLocalDate(plan.requestedDue.requested) }),
      coord?.dueAt && main?.dueAt && new Date(coord.dueAt).getTime() !== new Date(main.dueAt).getTime() && dueLine("bot.direct.echo.coordinateDue", coord, input.coordinateDue),
      paper.length > 0 && t(locale, "bot.direct.echo.paper", { units: paper.join(", ") }),
      plan.estimatedDays.length > 0 &&
        t(locale, "calendar.estimatedDays", {
          years: [...new Set(plan.estimatedDays.map((d) => d.date.slice(0, 4)))].join(", "),
          days: plan.estimatedDays.map((d) => formatLocalDate(d.date)).join(", "),
        }),
      plan.supersedesId !== null && t(locale, "bot.direct.echo.supersedes"),
      t(locale, isGuided ? "guide.echo.howTo" : "bot.direct.echo.howTo"),
    ),
    actions: [
      action(locale, "bot.action.confirm", "/ok", encodeCallback({ kind: "confirm", nonce })),
      ...(isGuided ? [action(locale, "bot.action.edit", "/sua", encodeCallback({ kind: "edit", nonce }))] : []),
      action(locale, "bot.action.cancel", "/huy", encodeCallback({ kind: "cancel", nonce })),
    ],
  };
};

/** /ok on a directive echo: records it. */
export const confirmDirective = async (ctx: TurnContext, state: DirectState): Promise<TurnResult> => {
  const result = await issueDirective(ctx.env.deps, state.input);
  await ctx.conversation.clear();
  const year = ctx.today.year;
  const assignments = result.assignments.map((a) => `${displayRef(a.ref, year)} (${t(ctx.locale, `bot.role.${a.role}`)})`).join(", ");
  return { replies: [reply(ctx.locale, "bot.direct.done", { ref: displayRef(result.documentRef, year), assignments })] };
};
