// The /chidao grammar (DESIGN.md "References and the directive grammar").
//
//   /chidao D123 [thay: chutich]        the document; optionally on behalf of a leader (user code)
//   <any other line>                    the directive text, kept VERBATIM
//   chủ trì: TCKH                       main unit (exactly one; core validates, flagged here)
//   phối hợp: TP, VP                    coordinating units (comma, semicolon or space separated)
//   để biết: NB                         units informed
//   hạn: 20/12/2026 | hạn: 5 ngày       deadline: a date, or working days from today
//   hạn chủ trì: … / hạn phối hợp: …    a deadline for one role only
//   thay: chutich                       on behalf of (also on its own line)
//
// Keywords are matched without diacritics, case-insensitively, only as `keyword:` at the start of a
// line; every other line is directive text. The text keeps its characters exactly (including
// "<b>", "&", blank lines between paragraphs and indentation); only blank lines at its start and end
// are dropped, and CRLF line ends become LF. Unit codes are kept as typed (matched case-insensitively
// by core).
import { bodyAfterCommand } from "./command-words.ts";
import { matchFoldedPrefix } from "./fold.ts";
import { parseDateOrDuration } from "./dates.ts";
import type { DateContext, DateOrDuration } from "./dates.ts";
import { readRef } from "./refs.ts";
import type { DocRef } from "./refs.ts";
import { CODE_PATTERN, lineOffsetOf, readKeywordLine, splitCodes, splitLines, stripAnnotation } from "./values.ts";
import type { GrammarError } from "./values.ts";

/** A directive as typed, before core checks units, people and deadlines. */
export type ParsedDirective = {
  /** The document directed; null when the message names none and none was given in the options. */
  ref: DocRef | null;
  /** User code of the leader on whose behalf a clerk enters a paper directive ("thay: chutich"). */
  onBehalfOf?: string;
  /** Chủ trì: unit codes as typed. Exactly one is valid; zero or several are flagged in `errors`. */
  main: string[];
  /** Phối hợp: unit codes as typed. */
  coordinate: string[];
  /** Để biết: unit codes as typed. */
  info: string[];
  /** "hạn:": the deadline of every role that has none of its own. */
  due?: DateOrDuration;
  /** Deadlines given for one role ("hạn phối hợp: 15/12/2026"). */
  dueByRole: { main?: DateOrDuration; coordinate?: DateOrDuration };
  /** The directive text, verbatim. */
  text: string;
  errors: GrammarError[];
};

export type DirectiveOptions = DateContext & {
  /** The document, when the conversation already knows it (a "Chỉ đạo" button on D123). */
  ref?: DocRef;
};

type Slot = "main" | "coordinate" | "info" | "due" | "dueMain" | "dueCoordinate" | "dueInfo" | "onBehalf";

/** Keywords (folded) → what they set. */
export const DIRECTIVE_KEYWORDS: Readonly<Record<string, Slot>> = {
  "chu tri": "main",
  "xu ly chinh": "main",
  main: "main",
  lead: "main",
  "phoi hop": "coordinate",
  coordinate: "coordinate",
  "de biet": "info",
  "nhan de biet": "info",
  info: "info",
  cc: "info",
  han: "due",
  "han xu ly": "due",
  "thoi han": "due",
  due: "due",
  deadline: "due",
  "han chu tri": "dueMain",
  "due main": "dueMain",
  "han phoi hop": "dueCoordinate",
  "due coordinate": "dueCoordinate",
  "han de biet": "dueInfo",
  "due info": "dueInfo",
  thay: "onBehalf",
  "thay mat": "onBehalf",
  "on behalf of": "onBehalf",
};

// "thay: chutich" or "thay chutich" right after the REF on the first line.
const ON_BEHALF_HEAD = /^thay(?:\s+mat)?(\s*:\s*|\s+)([a-z0-9][a-z0-9._\-]*)(?![a-z0-9._\-])/d;

const isBlank = (s: string): boolean => s.trim() === "";

/**
 * Parses the part of a /chidao message after the command word. `lineOffset` is the number of message
 * lines before `body` starts (for error line numbers).
 */
export const parseDirectiveBody = (body: string, opts: DirectiveOptions, lineOffset = 0): ParsedDirective => {
  const errors: GrammarError[] = [];
  const roles = { main: [] as string[], coordinate: [] as string[], info: [] as string[] };
  const dueByRole: ParsedDirective["dueByRole"] = {};
  let due: DateOrDuration | undefined;
  let onBehalfOf: string | undefined;
  let ref: DocRef | null = null;
  const textLines: string[] = [];
  const seen = new Set<Slot>();
  const lines = splitLines(body);

  // === First line: REF, then optionally "thay: code", then perhaps the start of the text.
  const first = lines[0] ?? "";
  const headRef = readRef(first, { currentYear: opts.today.year });
  if (headRef) {
    ref = headRef.ref;
    let rest = headRef.rest;
    const who = matchFoldedPrefix(rest, ON_BEHALF_HEAD);
    // Without a colon, "thay X" counts only as the whole remainder ("D123 thay chutich"), so text such
    // as "D123 thay mặt UBND giao…" stays text.
    if (who && (who.match[1]!.includes(":") || isBlank(rest.slice(who.end)))) {
      const code = who.group(2)!;
      if (CODE_PATTERN.test(code)) onBehalfOf = code;
      else errors.push({ line: lineOffset + 1, messageKey: "grammar.badUserCode", value: code });
      rest = rest.slice(who.end);
    }
    lines[0] = rest.replace(/^[ \t]+/, "");
  }

  const addUnits = (slot: "main" | "coordinate" | "info", value: string, lineNo: number): void => {
    const { codes, bad } = splitCodes(value);
    for (const b of bad) errors.push({ line: lineNo, messageKey: "grammar.badUnitCode", value: b });
    const list = roles[slot];
    for (const c of codes) if (!list.some((x) => x.toUpperCase() === c.toUpperCase())) list.push(c);
  };

  lines.forEach((line, i) => {
    const lineNo = lineOffset + i + 1;
    const kw = readKeywordLine(line);
    const slot = kw ? DIRECTIVE_KEYWORDS[kw.keyword] : undefined;
    if (!kw || slot === undefined) {
      textLines.push(line);
      return;
    }
    const value = kw.value;
    if (value === "") {
      errors.push({ line: lineNo, messageKey: "grammar.emptyValue", value: line.trim() });
      return;
    }
    const repeatable = slot === "main" || slot === "coordinate" || slot === "info";
    if (!repeatable && seen.has(slot)) errors.push({ line: lineNo, messageKey: "grammar.duplicateField", value });
    seen.add(slot);
    switch (slot) {
      case "main":
      case "coordinate":
      case "info":
        addUnits(slot, value, lineNo);
        return;
      case "onBehalf": {
        const code = stripAnnotation(value);
        if (CODE_PATTERN.test(code)) onBehalfOf = code;
        else errors.push({ line: lineNo, messageKey: "grammar.badUserCode", value });
        return;
      }
      case "dueInfo":
        errors.push({ line: lineNo, messageKey: "grammar.dueForInfo", value });
        return;
      case "due":
      case "dueMain":
      case "dueCoordinate": {
        const d = parseDateOrDuration(stripAnnotation(value), opts);
        if (!d) {
          errors.push({ line: lineNo, messageKey: "grammar.badDue", value });
          return;
        }
        if (slot === "due") due = d;
        else if (slot === "dueMain") dueByRole.main = d;
        else dueByRole.coordinate = d;
        return;
      }
    }
  });

  // === Checks core repeats, flagged early so the echo can show them before /ok.
  if (ref === null && opts.ref) ref = opts.ref;
  if (ref === null) errors.push({ line: lineOffset + 1, messageKey: "grammar.missingRef", value: first.trim() });
  if (roles.main.length === 0) errors.push({ line: 0, messageKey: "grammar.noMainUnit", value: "" });
  if (roles.main.length > 1) errors.push({ line: 0, messageKey: "grammar.severalMainUnits", value: roles.main.join(", ") });
  const counted = new Map<string, number>();
  for (const c of [...roles.main, ...roles.coordinate, ...roles.info]) counted.set(c.toUpperCase(), (counted.get(c.toUpperCase()) ?? 0) + 1);
  for (const [code, n] of counted) if (n > 1) errors.push({ line: 0, messageKey: "grammar.unitInSeveralRoles", value: code });

  let start = 0;
  let end = textLines.length;
  while (start < end && isBlank(textLines[start]!)) start++;
  while (end > start && isBlank(textLines[end - 1]!)) end--;
  const text = textLines.slice(start, end).join("\n");
  if (text === "") errors.push({ line: 0, messageKey: "grammar.emptyText", value: "" });

  const out: ParsedDirective = { ref, main: roles.main, coordinate: roles.coordinate, info: roles.info, dueByRole, text, errors };
  if (onBehalfOf !== undefined) out.onBehalfOf = onBehalfOf;
  if (due !== undefined) out.due = due;
  return out;
};

/**
 * Parses a whole /chidao message (the command line may be left out when the conversation already
 * knows the document: pass `ref` then).
 *
 * @example
 * parseDirective("/chidao D123\nGiao TCKH chủ trì.\nchủ trì: TCKH\nhạn: 5 ngày", { today })
 * // { ref: D123, main: ["TCKH"], due: { kind: "duration", workingDays: 5 }, text: "Giao TCKH chủ trì.", … }
 */
export const parseDirective = (text: string, opts: DirectiveOptions): ParsedDirective => {
  const { body, hadCommand } = bodyAfterCommand(text, "direct");
  if (hadCommand) return parseDirectiveBody(body, opts, lineOffsetOf(text, body));
  // No command line: the first line may still start with the REF ("D123 thay: chutich").
  return parseDirectiveBody(text, opts, 0);
};
