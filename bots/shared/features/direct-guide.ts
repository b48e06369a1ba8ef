// The leader's guided directive: "Chỉ đạo" on a document card (or `/chidao D7` alone) walks through
// 1. the main unit (a menu of the organisation's units, 8 a page), 2. coordinating units (the same
// menu as toggles, with Xong / Bỏ qua), 3. the deadline (3 / 5 / 7 / 10 working days, or a typed
// date), 4. the directive text (the next message, verbatim), then 5. the echo of previewDirective
// with Xác nhận / Sửa / Hủy (features/direct.ts). Channel-neutral: the menus are actions (buttons on
// Telegram and the web chat); where the channel numbers choices (Zalo) they are numbered lines and
// "1", "2" … answer them. Every step also takes typed answers (unit codes, "5 ngày", a date).
// Each menu carries a fresh nonce: a press on any other menu is answered as stale.
import {
  previewDirective,
  type DueInput,
  type IssueDirectiveInput,
  displayRef,
  t,
  listUnits,
  type MessageAction,
  type OutboundMessage,
  getDocumentByRef,
  encodeCallback,
  type CallbackAction,
  type GuideOp,
} from "../../../core/index.ts";
import { isoDate } from "../context.ts";
import type { TurnContext } from "../context.ts";
import { newNonce } from "../conversation.ts";
import type { StoredState } from "../conversation.ts";
import { lines, reply } from "../render.ts";
import { foldVietnamese, formatDate, parseDateOrDuration, parseDirectiveBody, splitCodes } from "../text/index.ts";
import type { ParsedDirective } from "../text/index.ts";
import type { TurnResult } from "../types.ts";
import { echoDirective, onDirectText } from "./direct.ts";
import type { DirectState } from "./direct.ts";

export type GuideStep = "main" | "coordinate" | "due" | "text" | "edit";

/** A guided directive in progress (conversation state). */
export type DirectGuideState = {
  kind: "directGuide";
  documentId: string;
  /** The document as people type it (`D7`). */
  documentRef: string;
  /** A clerk entering a paper directive: the leader's user code (`/chidao D7 thay: chutich`). */
  onBehalfOf?: string;
  /** The organisation's active units when the guide started; presses and numbers index this list. */
  units: { code: string; name: string }[];
  step: GuideStep;
  /** The page of the unit menu shown. */
  page: number;
  /** The nonce of the menu shown last: only its buttons count. */
  nonce: string;
  main?: string;
  coordinate: string[];
  /** The coordinators were answered (chosen, or none). */
  isCoordinateAnswered: boolean;
  due?: DueInput;
  /** The deadline the sender asked for, as the working day it gives (YYYY-MM-DD): offered first at the deadline step. */
  requestedDue?: string;
  text?: string;
  /** The menu's commands in order, for numbered replies ("1" = the first); see BotEnv.numberedChoices. */
  choices?: string[];
};

type GuidePress = Extract<CallbackAction, { kind: "guide" }>;

export const GUIDE_PAGE_SIZE = 8;
/** Deadline quick picks, in working days. */
export const GUIDE_DUE_DAYS = [3, 5, 7, 10] as const;
const EDIT_PARTS = ["main", "coordinate", "due", "text"] as const;
/** What the step's menu buttons may do; any other press is stale. */
const OPS: Record<GuideStep, readonly GuideOp[]> = {
  main: ["main", "page"],
  coordinate: ["coordinate", "page", "done", "skip"],
  due: ["due"],
  text: [],
  edit: ["edit"],
};
// previewDirective checks everything but the text (the leader's role, the document open and not
// secret, the units, the deadline). Before the text is typed, this stands in for it: a preview
// records nothing.
const PROBE_TEXT = "…";

// === Starting

/** `/chidao D7` with nothing else: the guided flow (anything more is the typed grammar). */
export const isBareDirective = (d: ParsedDirective): boolean =>
  d.ref !== null &&
  d.text === "" &&
  d.main.length === 0 &&
  d.coordinate.length === 0 &&
  d.info.length === 0 &&
  d.due === undefined &&
  d.dueByRole.main === undefined &&
  d.dueByRole.coordinate === undefined &&
  d.errors.every((e) => e.messageKey === "grammar.noMainUnit" || e.messageKey === "grammar.emptyText");

export const onGuideCommand = async (ctx: TurnContext, d: ParsedDirective): Promise<TurnResult> => {
  const doc = await getDocumentByRef(ctx.env.deps, { actorUserId: ctx.actor.id, ref: { kind: d.ref!.kind, number: d.ref!.number, year: d.ref!.year } });
  return startGuide(ctx, doc.documentId, d.onBehalfOf);
};

/** "Chỉ đạo" pressed on a document card. */
export const onGuidePress = async (ctx: TurnContext, documentId: string): Promise<TurnResult> => startGuide(ctx, documentId);

const startGuide = async (ctx: TurnContext, documentId: string, onBehalfOf?: string): Promise<TurnResult> => {
  const { units } = await listUnits(ctx.env.deps, { actorUserId: ctx.actor.id });
  if (units.length === 0) return { replies: [reply(ctx.locale, "guide.noUnits")] };
  // Refuses at once whoever may not direct this document (a non-leader, a secret or closed one).
  const plan = await previewDirective(ctx.env.deps, probeInput(ctx, { documentId, coordinate: [], ...(onBehalfOf ? { onBehalfOf } : {}) }, units[0]!.code));
  const state: DirectGuideState = {
    kind: "directGuide",
    documentId,
    documentRef: displayRef(plan.documentRef, ctx.today.year),
    ...(onBehalfOf ? { onBehalfOf } : {}),
    units: units.map((u) => ({ code: u.code, name: u.name })),
    step: "main",
    page: 0,
    nonce: "",
    coordinate: [],
    isCoordinateAnswered: false,
    // A requested deadline already past is not offered (typing one is still possible).
    ...(plan.requestedDue && plan.requestedDue.due >= isoDate(ctx.today) ? { requestedDue: plan.requestedDue.due } : {}),
  };
  return { replies: [await show(ctx, state)] };
};

const probeInput = (ctx: TurnContext, s: Pick<DirectGuideState, "documentId" | "onBehalfOf" | "coordinate" | "due">, main: string): IssueDirectiveInput => ({
  actorUserId: ctx.actor.id,
  documentId: s.documentId,
  ...(s.onBehalfOf ? { onBehalfOfUserCode: s.onBehalfOf } : {}),
  text: PROBE_TEXT,
  main,
  coordinate: s.coordinate,
  info: [],
  due: s.due ?? { workingDays: 1 },
});

// === Menus

type Item = { label: string; command: string; op: GuideOp; n: number; code?: string };

const unitName = (s: DirectGuideState, code: string): string => s.units.find((u) => u.code === code)?.name ?? code;

const dueText = (ctx: TurnContext, due: DueInput): string => ("workingDays" in due ? t(ctx.locale, "guide.due.days", { days: due.workingDays }) : formatDate(parseIso(due.date)));

const parseIso = (s: string) => {
  const [year, month, day] = s.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};

/** The unit menu of a step: one page of units, then "Thêm…" when there are more pages. */
const unitItems = (ctx: TurnContext, s: DirectGuideState, op: "main" | "coordinate"): Item[] => {
  const listed = s.units.map((u, i) => ({ ...u, i })).filter((u) => op === "main" || u.code !== s.main);
  const pages = Math.max(1, Math.ceil(listed.length / GUIDE_PAGE_SIZE));
  const page = Math.min(s.page, pages - 1);
  const items: Item[] = listed.slice(page * GUIDE_PAGE_SIZE, (page + 1) * GUIDE_PAGE_SIZE).map((u) => ({
    label: op === "coordinate" && s.coordinate.includes(u.code) ? `✓ ${u.name}` : u.name,
    command: u.code,
    op,
    n: u.i,
    code: u.code,
  }));
  if (pages > 1) {
    const next = (page + 1) % pages;
    items.push({ label: t(ctx.locale, next === 0 ? "guide.action.first" : "guide.action.more"), command: "them", op: "page", n: next });
  }
  return items;
};

const itemsOf = (ctx: TurnContext, s: DirectGuideState): Item[] => {
  switch (s.step) {
    case "main":
      return unitItems(ctx, s, "main");
    case "coordinate":
      return [
        ...unitItems(ctx, s, "coordinate"),
        { label: t(ctx.locale, "guide.action.done"), command: "xong", op: "done", n: 0 },
        { label: t(ctx.locale, "guide.action.skip"), command: "bo qua", op: "skip", n: 0 },
      ];
    case "due": {
      const quick = GUIDE_DUE_DAYS.map((days): Item => ({ label: t(ctx.locale, "guide.due.label", { days }), command: `${days} ngay`, op: "due", n: days }));
      if (s.requestedDue === undefined) return quick;
      // n = 0: the deadline the sender asked for (typed, its command is the date itself).
      const date = formatDate(parseIso(s.requestedDue));
      return [{ label: t(ctx.locale, "guide.due.requested", { date }), command: date, op: "due", n: 0 }, ...quick];
    }
    case "edit":
      return EDIT_PARTS.map((part, i) => ({ label: t(ctx.locale, `guide.part.${part}`), command: part, op: "edit", n: i + 1 }));
    case "text":
      return [];
  }
};

/** What was chosen so far, one line each. */
const summary = (ctx: TurnContext, s: DirectGuideState): (string | false)[] => [
  s.main !== undefined && s.step !== "main" && t(ctx.locale, "guide.summary.main", { unit: unitName(s, s.main) }),
  (s.step === "coordinate" || s.isCoordinateAnswered) &&
    (s.coordinate.length > 0
      ? t(ctx.locale, "guide.summary.coordinate", { units: s.coordinate.map((c) => unitName(s, c)).join(", ") })
      : t(ctx.locale, s.step === "coordinate" ? "guide.summary.coordinateNone" : "guide.summary.coordinateSkipped")),
  s.due !== undefined && s.step !== "due" && t(ctx.locale, "guide.summary.due", { due: dueText(ctx, s.due) }),
];

/** Renders the current step with a fresh nonce and stores the state. */
const show = async (ctx: TurnContext, s: DirectGuideState): Promise<OutboundMessage> => {
  s.nonce = newNonce();
  const items = itemsOf(ctx, s);
  const isNumbered = ctx.env.numberedChoices === true;
  s.choices = items.map((i) => i.command);
  await ctx.conversation.set(s);
  const mode = isNumbered ? "numbers" : "buttons";
  const actions: MessageAction[] = items.map((i) => ({ label: i.label, command: i.command, callback: encodeCallback({ kind: "guide", op: i.op, nonce: s.nonce, n: i.n }) }));
  return {
    title: t(ctx.locale, `guide.title.${s.step}`, { ref: s.documentRef }),
    text: lines(
      ...summary(ctx, s),
      t(ctx.locale, `guide.ask.${s.step}`),
      ...(isNumbered ? items.map((i, k) => t(ctx.locale, i.code ? "guide.choiceUnit" : "guide.choice", { n: k + 1, label: i.label, code: i.code ?? "" })) : []),
      t(ctx.locale, `guide.howTo.${s.step}.${mode}`),
    ),
    // Numbered channels read the menu in the text; their renderer would repeat actions as replies.
    ...(isNumbered || actions.length === 0 ? {} : { actions }),
  };
};

/** The next step: the first part still missing, or the echo when all are there. */
const advance = async (ctx: TurnContext, s: DirectGuideState): Promise<TurnResult> => {
  s.page = 0;
  const next: GuideStep | null = s.main === undefined ? "main" : !s.isCoordinateAnswered ? "coordinate" : s.due === undefined ? "due" : s.text === undefined ? "text" : null;
  if (next !== null) {
    s.step = next;
    return { replies: [await show(ctx, s)] };
  }
  const input: IssueDirectiveInput = { ...probeInput(ctx, s, s.main!), text: s.text! };
  // The echo remembers the guide, so that "Sửa" can come back to it.
  return echoDirective(ctx, input, { ...s, step: "edit" });
};

// === Answers

const pickMain = (ctx: TurnContext, s: DirectGuideState, code: string): Promise<TurnResult> => {
  s.main = code;
  s.coordinate = s.coordinate.filter((c) => c !== code);
  return advance(ctx, s);
};

const toggle = async (ctx: TurnContext, s: DirectGuideState, codes: string[]): Promise<TurnResult> => {
  for (const code of codes) s.coordinate = s.coordinate.includes(code) ? s.coordinate.filter((c) => c !== code) : [...s.coordinate, code];
  return { replies: [await show(ctx, s)] };
};

const finishCoordinate = (ctx: TurnContext, s: DirectGuideState, isNone: boolean): Promise<TurnResult> => {
  if (isNone) s.coordinate = [];
  s.isCoordinateAnswered = true;
  return advance(ctx, s);
};

const setDue = async (ctx: TurnContext, s: DirectGuideState, due: DueInput): Promise<TurnResult> => {
  // Checked now (a date in the past, coordinators due after the main unit), not after the text.
  await previewDirective(ctx.env.deps, probeInput(ctx, { ...s, due }, s.main!));
  s.due = due;
  return advance(ctx, s);
};

const editPart = (ctx: TurnContext, s: DirectGuideState, part: (typeof EDIT_PARTS)[number]): Promise<TurnResult> => {
  if (part === "main") delete s.main;
  if (part === "coordinate") s.isCoordinateAnswered = false;
  if (part === "due") delete s.due;
  if (part === "text") delete s.text;
  return advance(ctx, s);
};

/** The stored state as a guided directive, or null when it is another feature's. */
const asGuide = (s: StoredState | null): DirectGuideState | null => (s?.kind === "directGuide" ? (s as DirectGuideState) : null);

const stale = (ctx: TurnContext): TurnResult => ({ replies: [], callbackText: reply(ctx.locale, "bot.confirm.stale").text, card: { actions: [] } });

/** A press on a guide menu: only the last menu's buttons, and only those of the current step, count. */
export const onGuideButton = async (ctx: TurnContext, press: GuidePress): Promise<TurnResult> => {
  const s = asGuide(await ctx.conversation.get());
  if (!s || s.nonce !== press.nonce || !OPS[s.step].includes(press.op)) return stale(ctx);
  const unit = s.units[press.n];
  let result: TurnResult | null = null;
  switch (press.op) {
    case "main":
      if (unit) result = await pickMain(ctx, s, unit.code);
      break;
    case "coordinate":
      if (unit && unit.code !== s.main) result = await toggle(ctx, s, [unit.code]);
      break;
    case "page":
      s.page = press.n;
      // Another page of the same menu: the pressed message's buttons change in place.
      return { replies: [], card: { actions: (await show(ctx, s)).actions ?? [] } };
    case "done":
    case "skip":
      result = await finishCoordinate(ctx, s, press.op === "skip");
      break;
    case "due":
      if (press.n === 0 && s.requestedDue !== undefined) result = await setDue(ctx, s, { date: s.requestedDue });
      else if ((GUIDE_DUE_DAYS as readonly number[]).includes(press.n)) result = await setDue(ctx, s, { workingDays: press.n });
      break;
    case "edit": {
      const part = EDIT_PARTS[press.n - 1];
      if (part) result = await editPart(ctx, s, part);
      break;
    }
  }
  // The pressed menu is spent: the next step comes as a new message with its own buttons.
  return result ? { ...result, card: { actions: [] } } : stale(ctx);
};

const isWord = (text: string, ...words: string[]): boolean =>
  words.includes(
    foldVietnamese(text)
      .replace(/[.!…]+$/, "")
      .trim(),
  );

/** A typed answer to the current step (on numbered channels, "2" is the menu's second entry). */
export const onGuideText = async (ctx: TurnContext, s: DirectGuideState, typed: string): Promise<TurnResult> => {
  let text = typed;
  const number = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (number && ctx.env.numberedChoices && s.step !== "text") {
    const command = s.choices?.[Number(number[1]) - 1];
    if (command === undefined) return { replies: [reply(ctx.locale, "guide.badChoice", { value: number[1]! })] };
    text = command;
  }
  switch (s.step) {
    case "main":
      return mainText(ctx, s, text);
    case "coordinate":
      return coordinateText(ctx, s, text);
    case "due": {
      const d = parseDateOrDuration(text.trim(), { today: ctx.today });
      if (d) return setDue(ctx, s, d.kind === "date" ? { date: isoDate(d.date) } : { workingDays: d.workingDays });
      // Where numbers are not menu choices, a bare number is working days.
      if (!ctx.env.numberedChoices && number && Number(number[1]) >= 1) return setDue(ctx, s, { workingDays: Number(number[1]) });
      return { replies: [reply(ctx.locale, "guide.badDue", { value: text.trim() })] };
    }
    case "text":
      s.text = typed;
      return advance(ctx, s);
    case "edit": {
      const part = EDIT_PARTS.find((p) => p === text.trim()) ?? PART_WORDS.find(([words]) => isWord(text, ...words))?.[1];
      if (part) return editPart(ctx, s, part);
      return { replies: [reply(ctx.locale, "guide.badChoice", { value: text.trim() })] };
    }
  }
};

const byCode = (s: DirectGuideState, code: string) => s.units.find((u) => u.code.toUpperCase() === code.toUpperCase());

const mainText = (ctx: TurnContext, s: DirectGuideState, text: string): Promise<TurnResult> | TurnResult => {
  if (isWord(text, "them", "more")) return onMore(ctx, s);
  const unit = byCode(s, text.trim());
  if (unit) return pickMain(ctx, s, unit.code);
  // The whole directive typed in the grammar ("…\nchủ trì: TCKH\nhạn: 5 ngày") still works.
  if (parseDirectiveBody(text, { today: ctx.today }).main.length > 0) return onDirectText(ctx, s.documentId, text);
  return { replies: [reply(ctx.locale, "guide.unknownUnit", { value: text.trim() })] };
};

const coordinateText = (ctx: TurnContext, s: DirectGuideState, text: string): Promise<TurnResult> | TurnResult => {
  if (isWord(text, "them", "more")) return onMore(ctx, s);
  if (isWord(text, "xong", "done")) return finishCoordinate(ctx, s, false);
  if (isWord(text, "bo qua", "khong", "skip", "none")) return finishCoordinate(ctx, s, true);
  const { codes, bad } = splitCodes(text);
  const unknown = [...bad, ...codes.filter((c) => !byCode(s, c))];
  if (unknown.length > 0 || codes.length === 0) return { replies: [reply(ctx.locale, "guide.unknownUnit", { value: unknown.join(", ") || text.trim() })] };
  const picked = codes.map((c) => byCode(s, c)!.code);
  if (picked.includes(s.main!)) return { replies: [reply(ctx.locale, "guide.mainNotCoordinate", { unit: unitName(s, s.main!) })] };
  return toggle(ctx, s, picked);
};

const PART_WORDS: [string[], (typeof EDIT_PARTS)[number]][] = [
  [["chu tri", "don vi chu tri", "main", "lead"], "main"],
  [["phoi hop", "don vi phoi hop", "coordinate", "coordinating"], "coordinate"],
  [["han", "han xu ly", "due", "deadline"], "due"],
  [["noi dung", "text"], "text"],
];

const onMore = async (ctx: TurnContext, s: DirectGuideState): Promise<TurnResult> => {
  const more = itemsOf(ctx, s).find((i) => i.op === "page");
  if (more) s.page = more.n;
  return { replies: [await show(ctx, s)] };
};

/**
 * "Sửa" on the echo of a guided directive, or /sua during the guide: which part to change. Null
 * when the conversation is no guided directive (the caller answers as before).
 */
export const onGuideEdit = async (ctx: TurnContext, known?: StoredState | null): Promise<TurnResult | null> => {
  const state = known === undefined ? await ctx.conversation.get() : known;
  const guide = asGuide(state) ?? (state?.kind === "direct" ? asGuide((state as DirectState).guide ?? null) : null);
  if (!guide) return null;
  return { replies: [await show(ctx, { ...guide, step: "edit", page: 0 })] };
};
