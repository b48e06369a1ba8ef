// The grammar half of a keyword form (/dangky, /phathanh): `keyword: value` lines, keywords matched
// without diacritics, one line per field, and the one-value answers to the form's questions. A form
// declares its lines (keywords, the fields each sets, how its value is read), its required fields
// and its defaults; this module parses with them. Pure: no database, no conversation, no rendering.
import { bodyAfterCommand } from "../text/command-words.ts";
import type { CommandName } from "../text/command-words.ts";
import { lineOffsetOf, readKeywordLine, splitLines } from "../text/values.ts";
import type { GrammarError, GrammarErrorKey } from "../text/values.ts";

// === Specs

/** One keyword line of a form. */
export type LineSpec<F, Ctx> = {
  /** Keywords, folded (no diacritics, lower case, see readKeywordLine): Vietnamese, then English aliases. */
  keywords: readonly string[];
  /** The fields the line sets, its main field first; a value that fails clears them all. */
  sets: readonly (keyof F)[];
  /** Reads a non-empty typed value into `fields`; an error key when it is not acceptable. */
  read(value: string, fields: Partial<F>, ctx: Ctx): GrammarErrorKey | null;
  /** Several lines add up (nơi nhận) instead of a repeat being reported. */
  repeatable?: boolean;
  /** Free text (trích yếu): a following line without a keyword continues it. */
  continued?: boolean;
};

/** What answers one question: the fields it gave, or why it was refused. */
export type Answer<F> = { fields: Partial<F> } | { error: GrammarErrorKey };

/**
 * A keyword form's grammar. `F` is the record, `Q` what can be asked for (a field, or a name for
 * several: "recipients"), `D` the fields with a default.
 */
export type KeywordGrammarSpec<F, Q extends string, D extends keyof F, Ctx> = {
  /** The command whose word may head the text (`/dangky`). */
  command: CommandName;
  /** The lines, by name. A question is answered by the line of its name, else the line setting only that field, else the first line setting it. */
  lines: Readonly<Record<string, LineSpec<F, Ctx>>>;
  /** The required fields still missing, in the order they are asked for. */
  missing(fields: Partial<F>): Q[];
  /** Values for the fields not typed: applied by a parse with `applyDefaults`, and shown in the echo. */
  defaults(ctx: Ctx): Pick<F, D> & Partial<F>;
  /** Longest value per field (characters), checked after every line read. */
  maxLength?: Partial<Record<keyof F, number>>;
  /** Questions whose answer is read otherwise than by their line; `byLine` reads it by the line. */
  answers?: Partial<Record<Q, (typed: string, ctx: Ctx, byLine: (typed: string) => Answer<F>) => Answer<F>>>;
};

/** The result of parsing a form's lines. */
export type ParsedForm<F, Q extends string> = {
  /** What was understood, plus the defaults applied. */
  fields: Partial<F>;
  /** Required fields not given (to be asked for). */
  missing: Q[];
  /** Fields filled by a default. */
  defaultsApplied: (keyof F)[];
  errors: GrammarError[];
  /** How many lines were recognised keyword lines (0: the text is not this form). */
  keywordLines: number;
};

export type ParseOptions = {
  /**
   * Fill unset fields that have a default. Turn off to parse a correction (`/sua …`) that is merged
   * into an earlier record.
   * @defaultValue true
   */
  applyDefaults?: boolean;
};

export type KeywordGrammar<F, Q extends string, D extends keyof F, Ctx> = {
  /** Folded keyword → line name. */
  keywords: Readonly<Record<string, string>>;
  /** Every line's fields, by line name. */
  lines: Readonly<Record<string, readonly (keyof F)[]>>;
  /** Parses `keyword: value` lines (without the command word); `lineOffset` lines come before `body` in the message. */
  parseBody(body: string, opts: Ctx & ParseOptions, lineOffset?: number): ParsedForm<F, Q>;
  /** Parses a whole message, with or without the command word. */
  parse(text: string, opts: Ctx & ParseOptions): ParsedForm<F, Q>;
  /** Parses the answer to the question about `asked` (the bot asked for "cơ quan", the clerk typed the value). */
  answer(asked: Q | keyof F, typed: string, ctx: Ctx): Answer<F>;
  missing(fields: Partial<F>): Q[];
  /** The fields with the defaults filled in where nothing was typed. */
  withDefaults(fields: Partial<F>, ctx: Ctx): Partial<F> & Pick<F, D>;
};

// === The engine

/** Builds a form's parsers from its spec. Throws when two lines share a keyword (a bug in the spec). */
export const defineKeywordGrammar = <F, Q extends string, D extends keyof F, Ctx>(spec: KeywordGrammarSpec<F, Q, D, Ctx>): KeywordGrammar<F, Q, D, Ctx> => {
  const keywords: Record<string, string> = {};
  for (const [name, line] of Object.entries(spec.lines)) {
    for (const k of line.keywords) {
      if (Object.hasOwn(keywords, k)) throw new Error(`keyword "${k}" is on lines ${keywords[k]} and ${name}`);
      keywords[k] = name;
    }
  }
  const lineNames = Object.keys(spec.lines);
  /** The line that answers for a field or question (see KeywordGrammarSpec.lines). */
  const lineOf = (asked: string): string => {
    const name =
      (Object.hasOwn(spec.lines, asked) ? asked : undefined) ??
      lineNames.find((n) => spec.lines[n]!.sets.length === 1 && spec.lines[n]!.sets[0] === asked) ??
      lineNames.find((n) => (spec.lines[n]!.sets as readonly string[]).includes(asked));
    if (name === undefined) throw new Error(`no line sets "${asked}"`);
    return name;
  };
  const overLong = (fields: Partial<F>): boolean =>
    Object.entries(spec.maxLength ?? {}).some(([k, max]) => {
      const v = fields[k as keyof F];
      return typeof v === "string" && v.length > (max as number);
    });
  const read = (name: string, value: string, fields: Partial<F>, ctx: Ctx): GrammarErrorKey | null => {
    if (value.trim() === "") return "grammar.emptyValue";
    return spec.lines[name]!.read(value, fields, ctx) ?? (overLong(fields) ? "grammar.tooLong" : null);
  };

  const parseBody = (body: string, opts: Ctx & ParseOptions, lineOffset = 0): ParsedForm<F, Q> => {
    const fields: Partial<F> = {};
    const errors: GrammarError[] = [];
    const seen = new Set<string>();
    const failed = new Set<string>();
    let keywordLines = 0;
    let previous: string | null = null;
    splitLines(body).forEach((text, i) => {
      const lineNo = lineOffset + i + 1;
      if (text.trim() === "") {
        previous = null;
        return;
      }
      const kw = readKeywordLine(text);
      const name = kw ? keywords[kw.keyword] : undefined;
      if (!kw || name === undefined) {
        // A long free-text value (trích yếu) wrapped onto the next line.
        if (previous !== null && spec.lines[previous]!.continued) {
          const main = spec.lines[previous]!.sets[0]!;
          if (fields[main] !== undefined) {
            (fields as Record<keyof F, unknown>)[main] = `${String(fields[main])} ${text.trim()}`;
            return;
          }
        }
        errors.push({ line: lineNo, messageKey: "grammar.unknownLine", value: text.trim() });
        previous = null;
        return;
      }
      keywordLines += 1;
      const line = spec.lines[name]!;
      if (!line.repeatable && seen.has(name)) errors.push({ line: lineNo, messageKey: "grammar.duplicateField", value: kw.value });
      seen.add(name);
      const error = read(name, kw.value, fields, opts);
      if (error) {
        errors.push({ line: lineNo, messageKey: error, value: kw.value });
        failed.add(name);
        if (!line.repeatable) for (const f of line.sets) delete fields[f];
      } else {
        failed.delete(name);
      }
      previous = name;
    });
    // A free-text value that grew too long over continuation lines.
    for (const [name, line] of Object.entries(spec.lines)) {
      const main = line.sets[0]!;
      const max = spec.maxLength?.[main];
      const v = fields[main];
      if (!line.continued || max === undefined || typeof v !== "string" || v.length <= max) continue;
      errors.push({ line: lineOffset + 1, messageKey: "grammar.tooLong", value: `${v.slice(0, 40)}…` });
      delete fields[main];
      failed.add(name);
    }

    const defaultsApplied: (keyof F)[] = [];
    if (opts.applyDefaults ?? true) {
      // A value that was given but not understood is reported, not silently replaced by a default.
      for (const [k, value] of Object.entries(spec.defaults(opts)) as [keyof F, F[keyof F]][]) {
        if (value === undefined || fields[k] !== undefined || failed.has(lineOf(k as string))) continue;
        fields[k] = value;
        defaultsApplied.push(k);
      }
    }
    return { fields, missing: spec.missing(fields), defaultsApplied, errors, keywordLines };
  };

  const byLine = (asked: string, typed: string, ctx: Ctx): Answer<F> => {
    const fields: Partial<F> = {};
    const error = read(lineOf(asked), typed, fields, ctx);
    return error ? { error } : { fields };
  };

  return {
    keywords,
    lines: Object.fromEntries(Object.entries(spec.lines).map(([name, line]) => [name, line.sets])),
    parseBody,
    parse: (text, opts) => {
      const { body } = bodyAfterCommand(text, spec.command);
      return parseBody(body, opts, lineOffsetOf(text, body));
    },
    answer: (asked, typed, ctx) => {
      const custom = spec.answers?.[asked as Q];
      return custom ? custom(typed, ctx, (t) => byLine(asked as string, t, ctx)) : byLine(asked as string, typed, ctx);
    },
    missing: spec.missing,
    withDefaults: (fields, ctx) => ({ ...spec.defaults(ctx), ...definedOnly(fields) }),
  };
};

/** The entries whose value is set (a stored `undefined` must not hide a default). */
const definedOnly = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
