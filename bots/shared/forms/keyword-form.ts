// The conversation half of a keyword form (/dangky, /phathanh). A clerk sends files and keyword
// lines in any order, as one message or several; what is missing is asked for one field at a time;
// the echo of the record waits for /ok (or the Xác nhận button), /sua or /huy; then the form's
// confirm action records it. Only typed values are kept in the state (unless the spec says
// otherwise): defaults are filled in when shown and when confirmed.
//
// A form is a spec: its grammar (forms/keyword-grammar.ts), its message keys, and the hooks where
// the forms differ (what a secret document may say, which files /ok needs, the echo, the action).
import { hasRole, type Actor, DomainError, t, type MessageKey, type OutboundMessage, encodeCallback } from "../../../core/index.ts";
import type { UploadPart } from "../../../core/pdf/index.ts";
import type { TurnContext } from "../context.ts";
import { newNonce } from "../conversation.ts";
import type { PendingFile, StoredState } from "../conversation.ts";
import { discardFilesIfSecret, isSecret, keepPendingFiles, keptFilesLine } from "../features/pending-files.ts";
import { action, grammarErrorLines, lines, reply } from "../render.ts";
import type { DateContext } from "../text/dates.ts";
import type { GrammarError, Secrecy } from "../text/values.ts";
import type { IncomingFile, TurnResult } from "../types.ts";
import type { KeywordGrammar, ParsedForm } from "./keyword-grammar.ts";

// === State and spec

/** A form being filled in, kept in the chat's conversation. */
export type FormState<K extends string, F, Q extends string> = {
  kind: K;
  /** What was typed (defaults are not kept). */
  fields: Partial<F>;
  files: PendingFile[];
  /** The field the last question asked for. */
  asking?: Q;
  /** Set once the echo was shown: the confirmation buttons carry it. */
  nonce?: string;
  /** The echo's commands in order, for numbered replies ("1" = the first); see BotEnv.numberedChoices. */
  choices?: string[];
  /** What was read from the kept scan (spec.readScan): shown where nothing was typed. */
  read?: ReadScan<F>;
};

/** What a form read from its scan. A typed field always wins over a read one. */
export type ReadScan<F> = {
  fields: Partial<F>;
  /** The text read, capped, for search once the record exists. */
  text?: string;
  source?: "TEXT_LAYER" | "OCR" | "MIXED";
  /** Fields read with low confidence: shown, flagged to be checked. */
  unsure?: (keyof F)[];
  /** How many of the kept files were read: files added later extend the read (spec.readScan). */
  fileCount?: number;
  /** The text of each page read (capped), so that extending the read reads only the new pages. */
  pages?: { page: number; text: string; source: "TEXT_LAYER" | "OCR" }[];
};

/** How a shown field was read from the scan (absent: typed, or a default). */
export type ReadMark = "read" | "unsure";

/** One line of a reply; false, null, undefined and "" are left out. */
export type ReplyLine = string | false | null | undefined;

/** The message keys of a form. */
export type FormMessages<Q extends string> = {
  /** The bare command: how to fill the form in. */
  start: MessageKey;
  /** Files kept and nothing typed yet (`{count}`). */
  filesReceived: MessageKey;
  /** More files than a form keeps. */
  tooManyFiles: MessageKey;
  /** /ok without the file the record needs. */
  needFile: MessageKey;
  /** The question for a field, e.g. `(field) => \`bot.register.ask.${field}\`` (checked for every field). */
  ask: (field: Q) => MessageKey;
  echoTitle: MessageKey;
  /** The echo's file line for a secret document (its scan is never kept). */
  echoSecret: MessageKey;
  /** The echo's file line when a file is needed and none was sent. */
  echoNoFile: MessageKey;
  /**
   * Files added to a form whose scan was read, when reading them changed nothing shown: said instead
   * of asking the same question or showing the same echo again (`{count}`: files kept in all).
   */
  filesAdded?: MessageKey;
};

export type KeywordFormSpec<K extends string, F extends { secrecy: Secrecy }, Q extends string, D extends keyof F> = {
  /** The conversation state's kind. */
  kind: K;
  grammar: KeywordGrammar<F, Q, D, DateContext>;
  /** Who may fill the form in. */
  role: Actor["roles"][number];
  messages: FormMessages<Q>;
  /**
   * A bare command over kept files with nothing typed: "acknowledge" answers with `filesReceived`
   * again, "ask" asks the first question.
   */
  bareCommandOverFiles: "ask" | "acknowledge";
  /**
   * Keep the defaults a parse applied (the command parses with defaults) where nothing was typed,
   * so that files captioned with the bare command start the form. Off: only typed values are kept.
   * @defaultValue false
   */
  keepsParsedDefaults?: boolean;
  /** The command takes over the files of a state of this kind with nothing typed (files sent before the command). */
  takesOverFilesOf?: string;
  /**
   * A file refused at /ok (an `intake.*` refusal: unreadable, expired…) cannot be fixed by editing the
   * draft: it is dropped and the typed details kept, so the next file starts afresh instead of joining
   * the refused one (and being refused as MIXED_PARTS).
   * @defaultValue false
   */
  dropsRefusedFiles?: boolean;
  /** The required fields still missing, in the order asked; default: the grammar's. */
  missing?(fields: Partial<F>): Q[];
  /**
   * Runs before asking or echoing, and may drop what must not be kept. Its notes come first; with
   * `redactIncoming` the person's message is not to be stored as typed.
   */
  review?(ctx: TurnContext, state: FormState<K, F, Q>): { notes: OutboundMessage[]; redactIncoming?: boolean } | null;
  /**
   * Reads the kept files once they arrive (nothing typed wins over what it returns): the fields read,
   * the text, and notes to answer first (why the read failed). Null: not read (off, or nothing to read).
   * Called again when files are added to a read form (`state.read.fileCount` fewer than the files
   * kept): it extends `state.read`, reading only the pages not in `state.read.pages`.
   */
  readScan?(ctx: TurnContext, state: FormState<K, F, Q>): Promise<{ read: ReadScan<F> | null; notes: OutboundMessage[] }>;
  /** Whether /ok needs a file (a paper-only document needs none). */
  needsFile(fields: Partial<F> & Pick<F, D>): boolean;
  /**
   * The echo's lines (after any grammar errors); `filesLine` is the line for the kept files; `read`
   * the fields shown from the scan (not typed).
   */
  echo(ctx: TurnContext, fields: Partial<F> & Pick<F, D>, filesLine: ReplyLine, read: ReadonlyMap<keyof F, ReadMark>): Promise<ReplyLine[]> | ReplyLine[];
  /** Records the confirmed form and answers; the conversation is cleared after. */
  confirm(ctx: TurnContext, fields: Partial<F> & Pick<F, D>, files: UploadPart[], state: FormState<K, F, Q>): Promise<TurnResult>;
};

export type KeywordForm<K extends string, F, Q extends string> = {
  kind: K;
  /** The command typed, with or without keyword lines. */
  onCommand(ctx: TurnContext, parsed: ParsedForm<F, Q>): Promise<TurnResult>;
  /** Files arrived for the form, with their caption's lines (or null). */
  onFiles(ctx: TurnContext, files: IncomingFile[], caption: ParsedForm<F, Q> | null): Promise<TurnResult>;
  /** Plain text: keyword lines (an edit) or the answer to the last question; null when not for this form. */
  onText(ctx: TurnContext, text: string): Promise<TurnResult | null>;
  /** `/sua …`: the lines after it are merged; without lines, how to edit; null when this form is not open. */
  onEdit(ctx: TurnContext, body: string): Promise<TurnResult | null>;
  /** /ok on the shown echo (the caller checked `state.nonce`). */
  confirm(ctx: TurnContext, state: FormState<K, F, Q>): Promise<TurnResult>;
};

// === The engine

/** Builds a form's conversation handlers from its spec. */
export const createKeywordForm = <K extends string, F extends { secrecy: Secrecy }, Q extends string, D extends keyof F>(
  spec: KeywordFormSpec<K, F, Q, D>,
): KeywordForm<K, F, Q> => {
  type State = FormState<K, F, Q>;
  const { grammar, messages } = spec;
  const missingOf = spec.missing ?? grammar.missing;

  const requireRole = (ctx: TurnContext): void => {
    if (!hasRole(ctx.actor, spec.role)) throw new DomainError("FORBIDDEN", "error.forbidden");
  };
  const owns = (s: StoredState | null): s is State => s?.kind === spec.kind;
  const current = async (ctx: TurnContext): Promise<State | null> => {
    const s = await ctx.conversation.get();
    return owns(s) ? s : null;
  };
  /** The open form, or a new one (with the files of a form of `takesOverFilesOf` where nothing was typed). */
  const openOrNew = async (ctx: TurnContext): Promise<State> => {
    const s = await ctx.conversation.get();
    if (owns(s)) return s;
    const other = s as Partial<FormState<string, object, string>> | null;
    const takeOver = spec.takesOverFilesOf !== undefined && other?.kind === spec.takesOverFilesOf && Object.keys(other.fields ?? {}).length === 0;
    return { kind: spec.kind, fields: {}, files: takeOver ? (other.files ?? []) : [] };
  };
  /** The fields as they stand: read from the scan, then what was typed over them. */
  const merged = (state: State): Partial<F> => ({ ...state.read?.fields, ...state.fields });
  const shown = (ctx: TurnContext, state: State) => grammar.withDefaults(merged(state), { today: ctx.today });
  /** The read fields that show (nothing typed there). */
  const readShown = (state: State): Map<keyof F, ReadMark> =>
    new Map(
      (Object.keys(state.read?.fields ?? {}) as (keyof F)[])
        .filter((k) => state.fields[k] === undefined && state.read?.fields[k] !== undefined)
        .map((k) => [k, state.read?.unsure?.includes(k) ? "unsure" : "read"]),
    );

  /** What the echo shows of the fields and their marks, comparable whatever the order of keys (the store may reorder them). */
  const shownKey = (state: State): string =>
    JSON.stringify([merged(state), [...readShown(state)].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1))], (_, v: unknown) =>
      v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
    );

  /**
   * Merges parsed values into the state. A default the parse applied is not kept (the state says what
   * the clerk typed, which a secret document refuses), unless keepsParsedDefaults and nothing was typed there.
   */
  const merge = (state: State, parsed: Pick<ParsedForm<F, Q>, "fields" | "defaultsApplied">): void => {
    for (const [k, v] of Object.entries(parsed.fields) as [keyof F, F[keyof F]][]) {
      if (v === undefined) continue;
      if (parsed.defaultsApplied.includes(k) && !(spec.keepsParsedDefaults && state.fields[k] === undefined)) continue;
      state.fields[k] = v;
    }
    // A line sets its fields together: "số: 45" after "số: 45/STC-NS" drops the ký hiệu, as within one message.
    for (const [main, ...others] of Object.values(grammar.lines)) {
      if (parsed.fields[main!] === undefined) continue;
      for (const f of others) {
        if (parsed.fields[f] !== undefined) continue;
        delete state.fields[f];
        if (state.read) delete state.read.fields[f];
      }
    }
  };

  /** Asks for the next missing field, or shows the echo; `errors` are reported first. */
  const advance = async (ctx: TurnContext, state: State, errors: readonly GrammarError[] = []): Promise<TurnResult> => {
    const { locale } = ctx;
    // A secret document's files go at once, whether it was typed secret or read as secret.
    const asNow = { files: state.files, fields: merged(state) };
    await discardFilesIfSecret(ctx, asNow);
    state.files = asNow.files;
    const review = spec.review?.(ctx, state) ?? null;
    const notes = review?.notes ?? [];
    const redact = review?.redactIncoming ? { redactIncoming: true } : {};
    const errorText = grammarErrorLines(locale, errors);
    const missing = missingOf(merged(state))[0];
    if (missing !== undefined) {
      state.asking = missing;
      delete state.nonce;
      delete state.choices;
      await ctx.conversation.set(state);
      return { replies: [...notes, { text: lines(errorText, t(locale, messages.ask(missing))) }], ...redact };
    }
    delete state.asking;
    state.nonce = newNonce();
    const actions = [
      action(locale, "bot.action.confirm", "/ok", encodeCallback({ kind: "confirm", nonce: state.nonce })),
      action(locale, "bot.action.edit", "/sua", encodeCallback({ kind: "edit", nonce: state.nonce })),
      action(locale, "bot.action.cancel", "/huy", encodeCallback({ kind: "cancel", nonce: state.nonce })),
    ];
    // Channels without buttons show these as numbered choices: "1" picks the first command.
    state.choices = actions.map((a) => a.command);
    await ctx.conversation.set(state);

    const f = shown(ctx, state);
    const filesLine = isSecret(f)
      ? t(locale, messages.echoSecret)
      : state.files.length > 0
        ? keptFilesLine(locale, state.files)
        : spec.needsFile(f) && t(locale, messages.echoNoFile);
    const echo: OutboundMessage = { title: t(locale, messages.echoTitle), text: lines(errorText, ...(await spec.echo(ctx, f, filesLine, readShown(state)))), actions };
    return { replies: [...notes, echo], ...redact };
  };

  /** Drops the kept files after an `intake.*` refusal (see dropsRefusedFiles), and rethrows. */
  const onRefusal =
    (ctx: TurnContext, state: State) =>
    async (err: unknown): Promise<never> => {
      if (spec.dropsRefusedFiles && err instanceof DomainError && err.messageKey.startsWith("intake.")) await ctx.conversation.set({ ...state, files: [] });
      throw err;
    };

  return {
    kind: spec.kind,
    onCommand: async (ctx, parsed) => {
      requireRole(ctx);
      const state = await openOrNew(ctx);
      const nothingTyped = parsed.keywordLines === 0 && Object.keys(state.fields).length === 0;
      if (nothingTyped && (state.files.length === 0 || spec.bareCommandOverFiles === "acknowledge")) {
        await ctx.conversation.set(state);
        const count = state.files.length;
        return { replies: [count > 0 ? reply(ctx.locale, messages.filesReceived, { count }) : reply(ctx.locale, messages.start)] };
      }
      merge(state, parsed);
      return advance(ctx, state, parsed.errors);
    },
    onFiles: async (ctx, files, caption) => {
      requireRole(ctx);
      const state = await openOrNew(ctx);
      if (caption) merge(state, caption);
      const refused = await keepPendingFiles(ctx, state, files, messages.tooManyFiles);
      if (refused) return refused;
      // The scan is read when the first files are kept (the files stay kept whatever the read gives).
      // Files sent after it (photos of the pages one message each) extend that read: only their pages
      // are read, and when that changes nothing shown the clerk is told the files were added instead
      // of being asked the same question or shown the same echo again. A failed read is not retried.
      let notes: OutboundMessage[] = [];
      const extending = state.read?.fileCount !== undefined && state.read.fileCount < state.files.length;
      if (spec.readScan && (state.read === undefined || extending) && state.files.length > 0 && !isSecret(state.fields)) {
        const before = extending ? shownKey(state) : null;
        await ctx.conversation.set(state);
        const scan = await spec.readScan(ctx, state);
        notes = scan.notes;
        if (scan.read) state.read = scan.read;
        const unchanged = before !== null && before === shownKey(state);
        if (unchanged && caption === null && messages.filesAdded && (state.asking !== undefined || state.nonce !== undefined)) {
          await ctx.conversation.set(state);
          return { replies: [...notes, reply(ctx.locale, messages.filesAdded, { count: state.files.length })] };
        }
      }
      if (Object.keys(merged(state)).length === 0) {
        await ctx.conversation.set(state);
        return { replies: [...notes, reply(ctx.locale, messages.filesReceived, { count: state.files.length })] };
      }
      const result = await advance(ctx, state, caption?.errors ?? []);
      return { ...result, replies: [...notes, ...result.replies] };
    },
    onText: async (ctx, text) => {
      const state = await current(ctx);
      if (!state) return null;
      const asLines = grammar.parseBody(text, { today: ctx.today, applyDefaults: false });
      if (asLines.keywordLines > 0) {
        merge(state, asLines);
        return advance(ctx, state, asLines.errors);
      }
      if (!state.asking) return null;
      const answer = grammar.answer(state.asking, text, { today: ctx.today });
      if ("error" in answer) return advance(ctx, state, [{ line: 0, messageKey: answer.error, value: text.trim() }]);
      merge(state, { fields: answer.fields, defaultsApplied: [] });
      return advance(ctx, state);
    },
    onEdit: async (ctx, body) => {
      const state = await current(ctx);
      if (!state) return null;
      if (body.trim() === "") return { replies: [reply(ctx.locale, "bot.edit.how")] };
      const parsed = grammar.parseBody(body, { today: ctx.today, applyDefaults: false });
      merge(state, parsed);
      return advance(ctx, state, parsed.errors);
    },
    confirm: async (ctx, state) => {
      const f = shown(ctx, state);
      if (spec.needsFile(f) && state.files.length === 0) return { replies: [reply(ctx.locale, messages.needFile)] };
      // A secret document's scan is never handed over (none is kept; this is the last guard).
      const kept = isSecret(f) ? [] : await Promise.all(state.files.map((p) => ctx.conversation.readFile(p))).catch(onRefusal(ctx, state));
      const files = kept.map((x) => ({ bytes: x.bytes, ...(x.fileName ? { fileName: x.fileName } : {}), ...(x.mime ? { mimeHint: x.mime } : {}) }));
      const result = await spec.confirm(ctx, f, files, state).catch(onRefusal(ctx, state));
      await ctx.conversation.clear();
      return result;
    },
  };
};
