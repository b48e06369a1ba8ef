// /dangky: a clerk registers an incoming document by text (DESIGN.md "Registering by text"). Files
// arrive first or with the metadata as caption; missing lines are asked for one by one; the echo
// waits for /ok (or the Xác nhận button); then core registers it and the clerk gets số đến, the
// mã tham chiếu and the stamped PDF.
//
// A secret document (độ mật: mật, tối mật, tuyệt mật) is registered in chat with its số/ký hiệu,
// issuer and độ mật only: its trích yếu (and date, type, urgency) may disclose the secret, so they
// are refused, dropped from the conversation at once, and entered on the office's own machine
// (`edoc document complete`, README "Secret documents"). A scan sent with it is discarded too.
import { hasRole } from "../../../core/actors/actor.ts";
import { findDuplicates, registerIncomingDocument } from "../../../core/documents/register-incoming-document.ts";
import { DomainError } from "../../../core/errors.ts";
import { t, type Locale } from "../../../core/messages/index.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { encodeCallback } from "../callback-data.ts";
import { isoDate } from "../context.ts";
import type { TurnContext } from "../context.ts";
import { newNonce } from "../conversation.ts";
import { discardFilesIfSecret, isSecret, keepPendingFiles, keptFilesLine } from "./pending-files.ts";
import type { PendingFile, RegisterState } from "../conversation.ts";
import { action, grammarErrorLines, lines, reply } from "../render.ts";
import { formatDate, OFFICIAL_LETTER, parseRegistrationAnswer, parseRegistrationBody, REQUIRED_REGISTRATION_FIELDS } from "../text/index.ts";
import type { GrammarError, ParsedRegistration, RegistrationField, RegistrationFields } from "../text/index.ts";
import type { IncomingFile, TurnResult } from "../types.ts";

const requireClerk = (ctx: TurnContext): void => {
  if (!hasRole(ctx.actor, "CLERK")) throw new DomainError("FORBIDDEN", "error.forbidden");
};

const emptyState = (): RegisterState => ({ kind: "register", fields: {}, files: [] });

const currentState = async (ctx: TurnContext): Promise<RegisterState | null> => {
  const s = await ctx.conversation.get();
  return s?.kind === "register" ? s : null;
};

/** What chat may carry of a secret document: số/ký hiệu, issuer, độ mật (and the số đến it gets). */
const SECRET_REFUSED_IN_CHAT: readonly RegistrationField[] = ["subject", "issuedDate", "docType", "urgency"];
const SECRET_REQUIRED: readonly RegistrationField[] = ["codeNumber", "issuer"];

/**
 * Merges what was typed into the state. Only typed values are kept: defaults (today, Công văn,
 * thường, không mật) are applied when shown and when registering, so the state says what the clerk
 * typed (what a secret document refuses).
 */
const merge = (state: RegisterState, parsed: Pick<ParsedRegistration, "fields" | "defaultsApplied">): void => {
  for (const [k, v] of Object.entries(parsed.fields) as [RegistrationField, unknown][]) {
    if (v === undefined) continue;
    if (parsed.defaultsApplied.includes(k)) continue;
    (state.fields as Record<string, unknown>)[k] = v;
  }
  // "số: 45" after "số: 45/STC-NS" drops the notation, as the grammar does within one message.
  if (parsed.fields.codeNumber !== undefined && parsed.fields.codeNotation === undefined) delete state.fields.codeNotation;
};

/** Asks for the next missing field, or shows the echo; `errors` are reported first. */
const advance = async (ctx: TurnContext, state: RegisterState, errors: readonly GrammarError[] = [], notes: OutboundMessage[] = []): Promise<TurnResult> => {
  const { locale } = ctx;
  await discardFilesIfSecret(ctx, state);
  const secret = isSecret(state.fields);
  let redact = false;
  if (secret) {
    // Dropped before the state is saved below: the secret's trích yếu is never kept.
    const refused = SECRET_REFUSED_IN_CHAT.filter((f) => state.fields[f] !== undefined);
    for (const f of refused) delete state.fields[f];
    if (refused.length > 0) {
      redact = true;
      const names = refused.map((f) => t(locale, `bot.register.field.${f}`)).join(", ");
      notes = [...notes, reply(locale, "bot.register.secretRefused", { fields: names })];
    }
  }
  const errorText = grammarErrorLines(locale, errors);
  const missing = (secret ? SECRET_REQUIRED : REQUIRED_REGISTRATION_FIELDS).find((f) => state.fields[f] === undefined);
  if (missing) {
    state.asking = missing;
    delete state.nonce;
    delete state.choices;
    await ctx.conversation.set(state);
    return { replies: [...notes, { text: lines(errorText, t(locale, `bot.register.ask.${missing}`)) }], ...(redact ? { redactIncoming: true } : {}) };
  }
  const f = state.fields;
  const issuedDate = f.issuedDate ?? ctx.today;
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

  const duplicates = await findDuplicates(ctx.env.deps, ctx.actor.orgId, {
    issuer: f.issuer!,
    codeNumber: f.codeNumber,
    codeNotation: f.codeNotation,
    issuedDate: isoDate(issuedDate),
  }).catch(() => []);
  const code = f.codeNotation ? `${f.codeNumber}/${f.codeNotation}` : f.codeNumber!;
  const echo: OutboundMessage = {
    title: t(locale, "bot.register.echo.title"),
    text: lines(
      errorText,
      t(locale, "bot.register.echo.code", { value: code }),
      t(locale, "bot.register.echo.issuer", { value: f.issuer! }),
      !secret && t(locale, "bot.register.echo.issuedDate", { value: formatDate(issuedDate) }),
      !secret && t(locale, "bot.register.echo.docType", { value: f.docType ?? OFFICIAL_LETTER }),
      !secret && t(locale, "bot.register.echo.subject", { value: f.subject! }),
      !secret && t(locale, "bot.register.echo.urgency", { value: t(locale, `bot.urgency.${f.urgency ?? "NORMAL"}`) }),
      t(locale, "bot.register.echo.secrecy", { value: t(locale, `bot.secrecy.${f.secrecy ?? "NONE"}`) }),
      secret && t(locale, "bot.register.echo.secretPending"),
      secret
        ? t(locale, "bot.register.echo.secret")
        : state.files.length > 0
          ? keptFilesLine(locale, state.files)
          : t(locale, "bot.register.echo.noFile"),
      duplicates.length > 0 && t(locale, "bot.register.echo.duplicate", { refs: duplicates.map((d) => d.ref).join(", ") }),
      t(locale, "bot.register.echo.howTo"),
    ),
    actions,
  };
  return { replies: [...notes, echo], ...(redact ? { redactIncoming: true } : {}) };
};

/** `/dangky …` typed (or a caption of keyword lines without files). */
export const onRegisterCommand = async (ctx: TurnContext, parsed: ParsedRegistration): Promise<TurnResult> => {
  requireClerk(ctx);
  const state = (await currentState(ctx)) ?? emptyState();
  if (parsed.keywordLines === 0 && state.files.length === 0 && Object.keys(state.fields).length === 0) {
    await ctx.conversation.set(state);
    return { replies: [reply(ctx.locale, "bot.register.start")] };
  }
  merge(state, parsed);
  return advance(ctx, state, parsed.errors);
};

/** Files arrived (with or without a caption of keyword lines). */
export const onRegisterFiles = async (ctx: TurnContext, files: IncomingFile[], caption: ParsedRegistration | null): Promise<TurnResult> => {
  requireClerk(ctx);
  const state = (await currentState(ctx)) ?? emptyState();
  if (caption) merge(state, caption);
  const refused = await keepPendingFiles(ctx, state, files, "bot.register.tooManyFiles");
  if (refused) return refused;
  const known = Object.keys(state.fields).length > 0;
  if (!known) {
    await ctx.conversation.set(state);
    return { replies: [reply(ctx.locale, "bot.register.filesReceived", { count: state.files.length })] };
  }
  return advance(ctx, state, caption?.errors ?? []);
};

/**
 * Plain text while a registration is in progress: keyword lines are merged (an edit), otherwise
 * the text answers the last question. Returns null when the text is not for the registration.
 */
export const onRegisterText = async (ctx: TurnContext, text: string): Promise<TurnResult | null> => {
  const state = await currentState(ctx);
  if (!state) return null;
  const asLines = parseRegistrationBody(text, { today: ctx.today, applyDefaults: false });
  if (asLines.keywordLines > 0) {
    merge(state, asLines);
    return advance(ctx, state, asLines.errors);
  }
  if (!state.asking) return null;
  const answer = parseRegistrationAnswer(state.asking, text, { today: ctx.today });
  if ("error" in answer) return advance(ctx, state, [{ line: 0, messageKey: answer.error, value: text.trim() }]);
  merge(state, { fields: answer.fields, defaultsApplied: [] });
  return advance(ctx, state);
};

/** `/sua …`: the lines after it are merged; without lines, how to edit. */
export const onRegisterEdit = async (ctx: TurnContext, body: string): Promise<TurnResult | null> => {
  const state = await currentState(ctx);
  if (!state) return null;
  if (body.trim() === "") return { replies: [reply(ctx.locale, "bot.edit.how")] };
  const parsed = parseRegistrationBody(body, { today: ctx.today, applyDefaults: false });
  merge(state, parsed);
  return advance(ctx, state, parsed.errors);
};

/**
 * A refused file (empty, corrupt, encrypted, too large…: an `intake.*` refusal) cannot be fixed by
 * editing the draft: it is dropped and the typed details kept, so the clerk's next file starts
 * afresh instead of joining the refused one (and being refused as MIXED_PARTS). Rethrows.
 */
const dropRefusedFiles =
  (ctx: TurnContext, state: RegisterState) =>
  async (err: unknown): Promise<never> => {
    if (err instanceof DomainError && err.messageKey.startsWith("intake.")) await ctx.conversation.set({ ...state, files: [] });
    throw err;
  };

/** /ok on a shown echo: registers, and answers with số đến, REF and the stamped copy. */
export const confirmRegistration = async (ctx: TurnContext, state: RegisterState): Promise<TurnResult> => {
  const { locale } = ctx;
  const f = state.fields;
  const secret = isSecret(f);
  if (!secret && state.files.length === 0) return { replies: [reply(locale, "bot.register.needFile")] };
  const files = secret ? [] : await Promise.all(state.files.map((p) => ctx.conversation.readFile(p))).catch(dropRefusedFiles(ctx, state));
  const result = await registerIncomingDocument(ctx.env.deps, {
    actorUserId: ctx.actor.id,
    ...(f.codeNumber !== undefined ? { codeNumber: f.codeNumber } : {}),
    ...(f.codeNotation !== undefined ? { codeNotation: f.codeNotation } : {}),
    issuer: f.issuer!,
    secrecy: f.secrecy ?? "NONE",
    // A secret document's other fields are entered on the office's machine, never from chat.
    ...(secret
      ? {}
      : { docType: f.docType ?? OFFICIAL_LETTER, issuedDate: isoDate(f.issuedDate ?? ctx.today), subject: f.subject!, urgency: f.urgency ?? "NORMAL" }),
    files: files.map((x) => ({ bytes: x.bytes, ...(x.fileName ? { fileName: x.fileName } : {}), ...(x.mime ? { mimeHint: x.mime } : {}) })),
  }).catch(dropRefusedFiles(ctx, state));
  await ctx.conversation.clear();
  const params = { number: result.registerNumber, ref: result.displayRef };
  const message: OutboundMessage = {
    text: lines(
      t(locale, result.isPaperOnly ? "bot.register.donePaper" : "bot.register.done", params),
      result.isPaperOnly && t(locale, "bot.register.donePaperPending"),
      !result.isPaperOnly && t(locale, result.stampedSha256 ? "bot.register.doneStamped" : "bot.register.doneNoStamp"),
      result.sentTo.length > 0 && t(locale, "bot.register.sentTo", { leaders: result.sentTo.join(", ") }),
      result.warnings.length > 0 && t(locale, "bot.register.doneDuplicate", { refs: result.warnings.map((w) => w.ref).join(", ") }),
    ),
    ...(result.stampedSha256
      ? { attachments: [{ sha256: result.stampedSha256, fileName: `${result.displayRef.replace(/\//g, "-")}.pdf`, mime: "application/pdf", kind: "document" as const }] }
      : {}),
  };
  return { replies: [message] };
};
