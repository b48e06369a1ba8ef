// The channel-neutral dispatcher: one turn (a message, a file or album, a button press) in, the
// replies out. Order: skip re-delivered updates → who is this (a stranger only learns how to link)
// → button press / files / command / text → core use case → replies from the catalog. Every
// failure is turned into a reply by mapError.
import { createConversationStore, markUpdateProcessed, resolveIdentity, type Locale, localDateOf, assignmentPressOf, decodeCallback } from "../../core/index.ts";
import { parseIsoDate } from "./context.ts";
import type { TurnContext } from "./context.ts";
import { DEFAULT_CONVERSATION_TTL_MS, openConversation } from "./conversation.ts";
import { readConversationState } from "./conversation-state.ts";
import { onAssignmentArgText, onAssignmentCommand, onAssignmentPress, onDoneReport, onExtensionPress } from "./features/assignments.ts";
import { confirmDirective, onDirectCommand, onDirectText } from "./features/direct.ts";
import { isBareDirective, onGuideButton, onGuideCommand, onGuideEdit, onGuidePress, onGuideText } from "./features/direct-guide.ts";
import { helpMessage } from "./features/help.ts";
import { onPackageRegister, onPackageReturn } from "./features/interchange.ts";
import { linkChat, linkCodeOf, onStranger } from "./features/link.ts";
import { onOverdue, onSearch, onTasks, onView } from "./features/queries.ts";
import { onReportCommand } from "./features/report.ts";
import { issueForm, onOutgoingAck, onOutgoingAckPress, onOutgoingRecall } from "./features/issue.ts";
import { registerForm } from "./features/register.ts";
import { mapError } from "./map-error.ts";
import { reply } from "./render.ts";
import { ISSUE_GRAMMAR, parseMessage, readPackageRef, REGISTRATION_GRAMMAR } from "./text/index.ts";
import type { ParsedCommand, ParsedMessage } from "./text/index.ts";
import type { BotEnv, IncomingTurn, TurnResult } from "./types.ts";

/**
 * Handles one turn of a conversation on any channel and returns what to answer.
 *
 * @example
 * const { replies } = await handleIncoming(env, { channel: "TELEGRAM", externalUserId: "42", chatId: "42", text: "/viec", updateKey: "tg:1001" });
 */
export const handleIncoming = async (env: BotEnv, turn: IncomingTurn): Promise<TurnResult> => {
  let locale: Locale = "vi";
  try {
    if (!(await markUpdateProcessed(env.deps, turn.channel, turn.updateKey))) {
      env.logger.debug({ updateKey: turn.updateKey }, "update already handled");
      return { replies: [], duplicate: true };
    }
    const zone = env.deps.settings.officeTimeZone;
    const today = parseIsoDate(localDateOf(env.deps.clock.now(), zone));
    const parsed = turn.text !== undefined && turn.text.trim() !== "" ? parseMessage(turn.text, { today, ...(env.botUsername ? { botUsername: env.botUsername } : {}) }) : null;
    if (parsed?.kind === "otherBot") return { replies: [] };

    const identity = await resolveIdentity(env.deps, { channel: turn.channel, externalUserId: turn.externalUserId, chatId: turn.chatId });
    if (!identity) return await onStranger(env, turn, parsed);
    locale = identity.actor.locale;
    const store = env.conversations ?? createConversationStore(env.deps);
    const ctx: TurnContext = {
      env,
      turn,
      actor: identity.actor,
      locale,
      today,
      conversation: openConversation(store, turn.channel, turn.chatId, env.conversationTtlMs ?? DEFAULT_CONVERSATION_TTL_MS),
    };
    if (turn.callback !== undefined) return await onCallback(ctx, turn.callback);
    if (turn.files && turn.files.length > 0) return await onFiles(ctx, parsed);
    if (!parsed) return { replies: [] };
    return await onMessage(ctx, parsed);
  } catch (err) {
    const message = mapError(err, { locale, updateKey: turn.updateKey, logger: env.logger });
    return turn.callback !== undefined ? { replies: [], callbackText: message.text } : { replies: [message] };
  }
};

// === Button presses

const onCallback = async (ctx: TurnContext, data: string): Promise<TurnResult> => {
  const press = decodeCallback(data);
  if (!press) {
    ctx.env.logger.warn({ updateKey: ctx.turn.updateKey }, "malformed callback data");
    return { replies: [], callbackText: reply(ctx.locale, "bot.confirm.stale").text };
  }
  const onAssignment = assignmentPressOf(press);
  if (onAssignment) return onAssignmentPress(ctx, onAssignment.action, onAssignment.assignmentId);
  switch (press.kind) {
    case "ack":
    case "done":
    case "progress":
    case "return":
    case "extend":
    case "delegate":
      // Handled above (assignmentPressOf knows every assignment press).
      return { replies: [], callbackText: reply(ctx.locale, "bot.confirm.stale").text };
    case "outgoingAck":
      return onOutgoingAckPress(ctx, press.recipientId);
    case "direct":
      return onGuidePress(ctx, press.documentId);
    case "guide":
      return onGuideButton(ctx, press);
    case "extensionGrant":
    case "extensionRefuse":
      return onExtensionPress(ctx, press.extensionId, press.kind === "extensionGrant");
    case "packageRegister":
      return onPackageRegister(ctx, { packageId: press.packageId }, true);
    case "packageReturn":
      // The reason is typed: the press checks the package still waits and asks for it.
      return onPackageReturn(ctx, { packageId: press.packageId }, "", true);
    case "confirm":
    case "edit":
    case "cancel": {
      const state = await readConversationState(ctx);
      const nonce = state && (state.kind === "register" || state.kind === "direct" || state.kind === "issue") ? state.nonce : undefined;
      if (nonce === undefined || nonce !== press.nonce) return { replies: [], callbackText: reply(ctx.locale, "bot.confirm.stale").text, card: { actions: [] } };
      const result =
        press.kind === "confirm"
          ? await onConfirm(ctx)
          : press.kind === "cancel"
            ? await onCancel(ctx)
            : ((await onGuideEdit(ctx, state)) ?? { replies: [reply(ctx.locale, "bot.edit.how")] });
      // The echo's buttons are spent once pressed (a new echo carries new ones).
      return { ...result, card: { actions: [] } };
    }
  }
};

// === Files (a document to register, or a report's attachment)

const onFiles = async (ctx: TurnContext, parsed: ParsedMessage | null): Promise<TurnResult> => {
  const files = ctx.turn.files ?? [];
  if (parsed?.kind === "command" && (parsed.name === "done" || parsed.name === "progress")) return onAssignmentCommand(ctx, parsed, files);
  const state = await readConversationState(ctx);
  if (state?.kind === "doneReport" && ctx.turn.text) return onDoneReport(ctx, state.assignmentId, ctx.turn.text, files);
  if (state?.kind === "assignmentArg" && state.action === "progress" && ctx.turn.text) return onAssignmentArgText(ctx, state, ctx.turn.text, files);
  const caption = ctx.turn.text !== undefined && ctx.turn.text.trim() !== "" ? ctx.turn.text : null;
  // Files captioned /phathanh, or sent while an issue is open, are the outgoing document's; any others a registration's.
  if (parsed?.kind === "command" && parsed.name === "issue") return issueForm.onFiles(ctx, files, parsed.issue);
  if (state?.kind === "issue") return issueForm.onFiles(ctx, files, caption === null ? null : ISSUE_GRAMMAR.parseBody(caption, { today: ctx.today, applyDefaults: false }));
  return registerForm.onFiles(ctx, files, caption === null ? null : REGISTRATION_GRAMMAR.parse(caption, { today: ctx.today, applyDefaults: false }));
};

// === Text

const onMessage = async (ctx: TurnContext, parsed: ParsedMessage): Promise<TurnResult> => {
  switch (parsed.kind) {
    case "command":
      return onCommand(ctx, parsed);
    case "linkCode":
      return linkChat(ctx.env, ctx.turn, parsed.code, ctx.locale);
    case "unknownCommand":
      return { replies: [reply(ctx.locale, "bot.unknownCommand", { word: parsed.word })] };
    case "otherBot":
      return { replies: [] };
    case "choice": {
      const picked = await chosenCommand(ctx, parsed.n);
      if (picked) return onMessage(ctx, picked);
      return onText(ctx, ctx.turn.text ?? "");
    }
    case "text":
      return onText(ctx, parsed.text);
  }
};

/** A numbered reply ("1") to an open echo → its command, on channels that number choices. */
const chosenCommand = async (ctx: TurnContext, n: number): Promise<ParsedMessage | null> => {
  if (!ctx.env.numberedChoices) return null;
  const state = await readConversationState(ctx);
  const choices = state && (state.kind === "register" || state.kind === "direct" || state.kind === "issue") ? state.choices : undefined;
  const command = choices?.[n - 1];
  if (command === undefined) return null;
  const parsed = parseMessage(command, { today: ctx.today });
  // Only a command may be chosen (never another number: no loop).
  return parsed.kind === "command" ? parsed : null;
};

const onText = async (ctx: TurnContext, text: string): Promise<TurnResult> => {
  const state = await readConversationState(ctx);
  if (state?.kind === "doneReport") return onDoneReport(ctx, state.assignmentId, text);
  if (state?.kind === "assignmentArg") return onAssignmentArgText(ctx, state, text);
  if (state?.kind === "directText") return onDirectText(ctx, state.documentId, text);
  if (state?.kind === "directGuide") return onGuideText(ctx, state, text);
  const form = (await issueForm.onText(ctx, text)) ?? (await registerForm.onText(ctx, text));
  if (form) return form;
  return { replies: [reply(ctx.locale, "bot.notUnderstood")] };
};

const onCommand = async (ctx: TurnContext, cmd: ParsedCommand): Promise<TurnResult> => {
  const { locale } = ctx;
  switch (cmd.name) {
    case "help":
      return { replies: [helpMessage(locale, ctx.actor)] };
    case "start":
    case "link": {
      const code = linkCodeOf(cmd);
      if (typeof code === "string") return linkChat(ctx.env, ctx.turn, code, locale);
      if (code === null) return { replies: [reply(locale, "bot.link.badCode")] };
      return { replies: [reply(locale, "bot.link.already", { name: ctx.actor.name }), helpMessage(locale, ctx.actor)] };
    }
    case "tasks":
      return onTasks(ctx);
    case "overdue":
      return onOverdue(ctx);
    case "search":
      return onSearch(ctx, cmd.query);
    case "view":
      return cmd.ref ? onView(ctx, cmd.ref) : { replies: [reply(locale, "bot.refMissing", { example: "/xem D7" })] };
    case "ack":
      if (cmd.ref?.kind === "OUT") return onOutgoingAck(ctx, cmd.ref);
    // falls through
    case "return": {
      // `/tralai LT5 lý do`: the register clerks' card of a package from the interchange.
      const pkg = cmd.name === "return" && cmd.ref === null ? readPackageRef(cmd.args) : null;
      if (pkg) return onPackageReturn(ctx, { number: pkg.number }, pkg.rest, false);
    }
    // falls through: an incoming ref names an assignment
    case "done":
    case "progress":
    case "extend":
    case "delegate":
      return onAssignmentCommand(ctx, cmd);
    case "register":
      return registerForm.onCommand(ctx, cmd.registration);
    case "direct":
      return isBareDirective(cmd.directive) ? onGuideCommand(ctx, cmd.directive) : onDirectCommand(ctx, cmd.directive);
    case "confirm": {
      // `/ok LT5`: Vào sổ on the register clerks' card; a bare /ok confirms the open echo.
      const pkg = readPackageRef(cmd.args);
      return pkg && pkg.rest === "" ? onPackageRegister(ctx, { number: pkg.number }, false) : onConfirm(ctx);
    }
    case "cancel":
      return onCancel(ctx);
    case "edit":
      return (
        (await onGuideEdit(ctx)) ?? (await registerForm.onEdit(ctx, cmd.args)) ?? (await issueForm.onEdit(ctx, cmd.args)) ?? { replies: [reply(locale, "bot.confirm.nothing")] }
      );
    case "issue":
      return issueForm.onCommand(ctx, cmd.issue);
    case "report":
      return onReportCommand(ctx, cmd.args);
    case "recall":
      return cmd.ref?.kind === "OUT" ? onOutgoingRecall(ctx, cmd.ref, cmd.reason) : { replies: [reply(locale, "bot.recall.needRef")] };
  }
};

const onConfirm = async (ctx: TurnContext): Promise<TurnResult> => {
  const state = await readConversationState(ctx);
  if (state?.kind === "register" && state.nonce !== undefined) return registerForm.confirm(ctx, state);
  if (state?.kind === "direct") return confirmDirective(ctx, state);
  if (state?.kind === "issue" && state.nonce !== undefined) return issueForm.confirm(ctx, state);
  return { replies: [reply(ctx.locale, "bot.confirm.nothing")] };
};

const onCancel = async (ctx: TurnContext): Promise<TurnResult> => {
  const state = await ctx.conversation.get();
  await ctx.conversation.clear();
  return { replies: [reply(ctx.locale, state ? "bot.cancel.done" : "bot.cancel.nothing")] };
};
