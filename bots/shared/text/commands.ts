// What a person typed → a structured intent. Channel-neutral: Telegram, Zalo and the web chat all
// hand the message text to parseMessage and dispatch on the result.
//
// Ambiguity rule. A message starting with "/" is always a command (an unknown one is reported as
// such). A message WITHOUT a slash is a command only when its first word is a command word AND
// the rest fits that command, so free text that happens to start with "xong" or "ok" stays text:
//
// | commands                                                   | without a slash, recognised when                 |
// | ---------------------------------------------------------- | ------------------------------------------------ |
// | viec, quahan, ok, huy, help, start, baocao                 | the message is only the word ("ok", "Hủy.")      |
// | ok                                                         | also: only a package ref follows ("ok LT5")      |
// | nhan, xong, tiendo, tralai, giahan, giao, chidao, xem,     | a valid REF follows ("xong D7-TCKH đã nộp")      |
// | thuhoi                                                     |                                                  |
// | tralai                                                     | also: a package ref ("tralai LT5 gửi nhầm")      |
// | dangky, phathanh, sua                                      | nothing else is on the first line (form follows) |
// | tim                                                        | always ("tìm ngân sách 2027")                    |
// | link                                                       | a well-formed link code follows                  |
//
// Arguments that will be recorded (reports, reasons, notes, search words) are kept VERBATIM: only the
// separator whitespace around them is trimmed.
import { bodyAfterCommand, readCommandHead } from "./command-words.ts";
import type { CommandName } from "./command-words.ts";
import { readDateOrDuration } from "./dates.ts";
import type { DateOrDuration, LocalDate } from "./dates.ts";
import { parseDirectiveBody } from "./directive-grammar.ts";
import type { ParsedDirective } from "./directive-grammar.ts";
import { parseIssueBody } from "./issue-grammar.ts";
import type { ParsedIssue } from "./issue-grammar.ts";
import { normalizeLinkCode, readBareLinkCode } from "./link-code.ts";
import { readPackageRef } from "./package-ref.ts";
import { readRef } from "./refs.ts";
import type { DocRef } from "./refs.ts";
import { parseRegistrationBody } from "./register-grammar.ts";
import type { ParsedRegistration } from "./register-grammar.ts";
import { CODE_PATTERN, lineOffsetOf } from "./values.ts";

export type { CommandName } from "./command-words.ts";

/** What parsing a message needs. */
export type ParseContext = {
  /** Today's date in the office's calendar: "ngày mai", dates without a year, refs without a year. */
  today: LocalDate;
  /**
   * The bot's username (Telegram). A `/cmd@OtherBot` command is then reported as `otherBot`; when
   * unset, any `@BotName` is accepted.
   */
  botUsername?: string;
  /** The drafting unit assumed by /phathanh when "đơn vị soạn" is not given (the clerk's unit). */
  defaultDraftingUnit?: string;
};

type CommandBase = {
  kind: "command";
  /** Whether the command was typed with a leading "/". */
  isSlash: boolean;
  /** Everything after the command word, verbatim but trimmed. */
  args: string;
};

type RefArgs = {
  /** The reference typed first; null when it is missing or malformed (only possible with a slash). */
  ref: DocRef | null;
};

/** A recognised command with its parsed arguments, discriminated by `name`. */
export type ParsedCommand = CommandBase &
  (
    | { name: "tasks" }
    | ({ name: "ack" } & RefArgs)
    | ({ name: "done"; report: string } & RefArgs)
    | ({ name: "progress"; text: string } & RefArgs)
    | ({ name: "return"; reason: string } & RefArgs)
    /** `/thuhoi P12 lý do`: recall an outgoing document sent through the interchange. */
    | ({ name: "recall"; reason: string } & RefArgs)
    | ({ name: "extend"; due: DateOrDuration | null; reason: string } & RefArgs)
    | ({ name: "delegate"; officerCode: string | null; due: DateOrDuration | null; note: string } & RefArgs)
    | { name: "direct"; directive: ParsedDirective }
    | { name: "register"; registration: ParsedRegistration }
    | { name: "issue"; issue: ParsedIssue }
    | { name: "overdue" }
    | { name: "search"; query: string }
    | ({ name: "view" } & RefArgs)
    | { name: "confirm" }
    | { name: "cancel" }
    | { name: "edit" }
    | { name: "help"; topic: CommandName | null }
    | { name: "link"; code: string | null }
    | { name: "start"; payload: string; linkCode: string | null }
    | { name: "report" }
  );

/** Everything a message can be. */
export type ParsedMessage =
  | ParsedCommand
  /** A numbered answer to a multi-step question: "1", "2.", "3)". */
  | { kind: "choice"; n: number }
  /** A message that is only a link code (`ABCD-2345`): an attempt to link the chat. Canonical form. */
  | { kind: "linkCode"; code: string }
  /** "/something" that is no command. */
  | { kind: "unknownCommand"; word: string; args: string }
  /** Telegram `/cmd@OtherBot` in a group: meant for another bot; ignore it. */
  | { kind: "otherBot"; botName: string }
  /** Anything else, verbatim. */
  | { kind: "text"; text: string };

type BareRule = "alone" | "aloneOrPackage" | "ref" | "form" | "any" | "code";

const BARE_RULES: Record<CommandName, BareRule> = {
  tasks: "alone",
  overdue: "alone",
  confirm: "aloneOrPackage",
  cancel: "alone",
  help: "alone",
  start: "alone",
  report: "alone",
  recall: "ref",
  ack: "ref",
  done: "ref",
  progress: "ref",
  return: "ref",
  extend: "ref",
  delegate: "ref",
  direct: "ref",
  view: "ref",
  register: "form",
  issue: "form",
  edit: "form",
  search: "any",
  link: "code",
};

const MAX_CHOICE = 99;

/** Removes the separator after a command word or a REF: spaces and one ":" or ",". */
const dropSeparator = (s: string): string => s.replace(/^[ \t]*[:,]?/, "").trim();

const firstLine = (s: string): string => s.split(/\r?\n/, 1)[0] ?? "";

const fitsBareRule = (rule: BareRule, rest: string, ctx: ParseContext): boolean => {
  switch (rule) {
    case "alone":
      return /^[\s.!?]*$/.test(rest);
    case "aloneOrPackage":
      // "ok LT5": Vào sổ on the register clerks' card of a package from the interchange.
      return /^[\s.!?]*$/.test(rest) || readPackageRef(dropSeparator(rest))?.rest === "";
    case "ref":
      // "tralai LT5 lý do": Trả lại on that card.
      return readRef(dropSeparator(rest), { currentYear: ctx.today.year }) !== null || readPackageRef(dropSeparator(rest)) !== null;
    case "form":
      return firstLine(rest).trim() === "";
    case "any":
      return true;
    case "code":
      return normalizeLinkCode(dropSeparator(rest)) !== null;
  }
};

const withRef = (rest: string, ctx: ParseContext): { ref: DocRef | null; after: string } => {
  const args = dropSeparator(rest);
  const r = readRef(args, { currentYear: ctx.today.year });
  return r ? { ref: r.ref, after: dropSeparator(r.rest) } : { ref: null, after: args };
};

const buildCommand = (name: CommandName, text: string, rest: string, isSlash: boolean, ctx: ParseContext): ParsedCommand => {
  const base = { kind: "command" as const, isSlash, args: dropSeparator(rest) };
  switch (name) {
    case "tasks":
    case "overdue":
    case "confirm":
    case "cancel":
    case "edit":
    case "report":
      return { ...base, name };
    case "ack":
    case "view":
      return { ...base, name, ref: withRef(rest, ctx).ref };
    case "done": {
      const { ref, after } = withRef(rest, ctx);
      return { ...base, name, ref, report: after };
    }
    case "progress": {
      const { ref, after } = withRef(rest, ctx);
      return { ...base, name, ref, text: after };
    }
    case "return":
    case "recall": {
      const { ref, after } = withRef(rest, ctx);
      return { ...base, name, ref, reason: after };
    }
    case "extend": {
      const { ref, after } = withRef(rest, ctx);
      const due = readDateOrDuration(after, ctx);
      return { ...base, name, ref, due: due?.value ?? null, reason: due ? dropSeparator(due.rest) : after };
    }
    case "delegate": {
      const { ref, after } = withRef(rest, ctx);
      const officer = /^(\S+)(.*)$/s.exec(after);
      // A user code has a letter: "20.12.2026" is a date, not an officer.
      const code = officer && CODE_PATTERN.test(officer[1]!) && /[A-Za-z]/.test(officer[1]!) ? officer[1]! : null;
      const afterCode = code !== null ? dropSeparator(officer![2]!) : after;
      const due = readDateOrDuration(afterCode, ctx);
      return {
        ...base,
        name,
        ref,
        officerCode: code,
        due: due?.value ?? null,
        note: due ? dropSeparator(due.rest) : afterCode,
      };
    }
    case "direct":
      return { ...base, name, directive: parseDirectiveBody(rest, ctx, lineOffsetOf(text, rest)) };
    case "register":
      return { ...base, name, registration: parseRegistrationBody(rest, ctx, lineOffsetOf(text, rest)) };
    case "issue":
      return { ...base, name, issue: parseIssueBody(rest, ctx, lineOffsetOf(text, rest)) };
    case "search":
      return { ...base, name, query: base.args };
    case "help":
      return { ...base, name, topic: readCommandHead(base.args)?.name ?? null };
    case "link":
      return { ...base, name, code: normalizeLinkCode(base.args) };
    case "start":
      return { ...base, name, payload: base.args, linkCode: normalizeLinkCode(base.args) };
  }
};

/**
 * Parses a message into an intent. Never throws; unrecognised input is `{ kind: "text" }`.
 *
 * @example parseMessage("/xong@EOfficeBot D7-TCKH Đã trình UBND", { today })
 * // { kind: "command", name: "done", ref: { kind: "IN", number: 7, year, unitCode: "TCKH" }, report: "Đã trình UBND", … }
 * @example parseMessage("xong rồi anh", { today }) // { kind: "text", text: "xong rồi anh" }
 */
export const parseMessage = (text: string, ctx: ParseContext): ParsedMessage => {
  const head = readCommandHead(text);
  if (head?.isSlash) {
    if (head.botName !== null && ctx.botUsername !== undefined && head.botName.toLowerCase() !== ctx.botUsername.toLowerCase()) {
      return { kind: "otherBot", botName: head.botName };
    }
    if (head.name === null) return { kind: "unknownCommand", word: head.word, args: dropSeparator(head.rest) };
    return buildCommand(head.name, text, head.rest, true, ctx);
  }
  if (head?.name && fitsBareRule(BARE_RULES[head.name], head.rest, ctx)) {
    return buildCommand(head.name, text, head.rest, false, ctx);
  }

  const choice = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (choice) {
    const n = Number(choice[1]);
    if (n >= 1 && n <= MAX_CHOICE) return { kind: "choice", n };
  }
  const code = readBareLinkCode(text);
  if (code !== null) return { kind: "linkCode", code };
  return { kind: "text", text };
};

/** Whether the text starts with the given command (slash or not). Handy for captions. */
export const startsWithCommand = (text: string, name: CommandName): boolean => bodyAfterCommand(text, name).hadCommand;
