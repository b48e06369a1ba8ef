// /phathanh: a clerk issues an outgoing document by text (DESIGN.md "Issuing an outgoing document by
// text"). The signed scan comes first (or with the keyword lines as caption, or after them); missing
// lines are asked for one by one; the echo waits for /ok (or the Xác nhận button); then core gives
// số đi and ký hiệu, seals (and signs) the copy and delivers it, and the clerk gets the number, the
// REF (P12) and the sealed PDF. Recipient units acknowledge with `/nhan P12-TCKH` (onOutgoingAck).
import { hasRole } from "../../../core/actors/actor.ts";
import { DomainError } from "../../../core/errors.ts";
import { t } from "../../../core/messages/index.ts";
import { acknowledgeOutgoing } from "../../../core/outgoing/acknowledge-outgoing.ts";
import { docTypeAbbreviation } from "../../../core/outgoing/doc-types.ts";
import { issueOutgoingDocument } from "../../../core/outgoing/issue-outgoing-document.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { encodeCallback } from "../callback-data.ts";
import type { TurnContext } from "../context.ts";
import { newNonce } from "../conversation.ts";
import { isSecret, keepPendingFiles, keptFilesLine } from "./pending-files.ts";
import type { PendingFile } from "../conversation.ts";
import { action, grammarErrorLines, lines, reply } from "../render.ts";
import { OFFICIAL_LETTER, parseIssueAnswer, parseIssueBody } from "../text/index.ts";
import type { DocRef, GrammarError, IssueField, IssueFields, ParsedIssue } from "../text/index.ts";
import type { IncomingFile, TurnResult } from "../types.ts";

/** A /phathanh being filled in (kept in the chat's conversation). */
export type IssueState = {
  kind: "issue";
  fields: Partial<IssueFields>;
  files: PendingFile[];
  /** The field the last question asked for. */
  asking?: IssueField;
  /** Set once the echo was shown: the confirmation buttons carry it. */
  nonce?: string;
  /** The echo's commands in order, for numbered replies ("1" = the first). */
  choices?: string[];
};

const requireClerk = (ctx: TurnContext): void => {
  if (!hasRole(ctx.actor, "CLERK")) throw new DomainError("FORBIDDEN", "error.forbidden");
};

const isPaperOnly = (f: Partial<IssueFields>): boolean => isSecret(f) || f.requiresRedSeal === true;

const currentState = async (ctx: TurnContext): Promise<IssueState | null> => {
  const s = await ctx.conversation.get();
  return s?.kind === "issue" ? s : null;
};

/**
 * The issue in progress, or a new one. Files sent before /phathanh went into a registration that has
 * no metadata yet: they are taken over (the scan was meant for this).
 */
const stateForCommand = async (ctx: TurnContext): Promise<IssueState> => {
  const s = await ctx.conversation.get();
  if (s?.kind === "issue") return s;
  if (s?.kind === "register" && Object.keys(s.fields).length === 0) return { kind: "issue", fields: {}, files: s.files };
  return { kind: "issue", fields: {}, files: [] };
};

const save = (ctx: TurnContext, state: IssueState): Promise<void> => ctx.conversation.set(state);

/** Merges parsed lines into the state; defaults never overwrite a value given earlier. */
const merge = (state: IssueState, parsed: Pick<ParsedIssue, "fields" | "defaultsApplied">): void => {
  for (const [k, v] of Object.entries(parsed.fields) as [keyof IssueFields, unknown][]) {
    if (v === undefined) continue;
    if (parsed.defaultsApplied.includes(k) && state.fields[k] !== undefined) continue;
    if (k === "internalRecipients" || k === "externalRecipients") {
      // Recipients given again (an edit) replace the earlier list.
      (state.fields as Record<string, unknown>)[k] = v;
      continue;
    }
    (state.fields as Record<string, unknown>)[k] = v;
  }
  if (parsed.fields.signerName !== undefined && parsed.fields.signerTitle === undefined) delete state.fields.signerTitle;
};

/** What must still be asked, in order. */
const missingField = (f: Partial<IssueFields>): IssueField | undefined => {
  if (f.subject === undefined) return "subject";
  if (f.signerName === undefined) return "signerName";
  if (f.signerTitle === undefined) return "signerTitle";
  if ((f.internalRecipients?.length ?? 0) + (f.externalRecipients?.length ?? 0) === 0) return "recipients";
  if (f.draftingUnit === undefined && (f.docType ?? OFFICIAL_LETTER) === OFFICIAL_LETTER) return "draftingUnit";
  return undefined;
};

/** Drops kept files once the document turns out to be secret: its scan is never kept. */
const dropFilesIfSecret = async (ctx: TurnContext, state: IssueState): Promise<void> => {
  if (!isSecret(state.fields) || state.files.length === 0) return;
  // Clearing deletes the pending files of the stored state; the state is then written again.
  await ctx.conversation.clear();
  state.files = [];
};

/** Asks for the next missing field, or shows the echo. */
const advance = async (ctx: TurnContext, state: IssueState, errors: readonly GrammarError[] = []): Promise<TurnResult> => {
  const { locale } = ctx;
  await dropFilesIfSecret(ctx, state);
  const errorText = grammarErrorLines(locale, errors);
  const missing = missingField(state.fields);
  if (missing) {
    state.asking = missing;
    delete state.nonce;
    delete state.choices;
    await save(ctx, state);
    return { replies: [{ text: lines(errorText, t(locale, `outgoing.bot.ask.${missing}`)) }] };
  }
  const f = state.fields;
  f.docType ??= OFFICIAL_LETTER;
  f.urgency ??= "NORMAL";
  f.secrecy ??= "NONE";
  f.requiresRedSeal ??= false;
  delete state.asking;
  state.nonce = newNonce();
  const actions = [
    action(locale, "bot.action.confirm", "/ok", encodeCallback({ kind: "confirm", nonce: state.nonce })),
    action(locale, "bot.action.edit", "/sua", encodeCallback({ kind: "edit", nonce: state.nonce })),
    action(locale, "bot.action.cancel", "/huy", encodeCallback({ kind: "cancel", nonce: state.nonce })),
  ];
  state.choices = actions.map((a) => a.command);
  await save(ctx, state);

  const abbreviation = docTypeAbbreviation(f.docType);
  const notation = abbreviation ? `${abbreviation}-…` : `…-${f.draftingUnit ?? ctx.actor.unitCode}`;
  const echo: OutboundMessage = {
    title: t(locale, "outgoing.bot.echo.title"),
    text: lines(
      errorText,
      t(locale, "outgoing.bot.echo.docType", { value: f.docType }),
      t(locale, "outgoing.bot.echo.notation", { value: notation }),
      f.draftingUnit !== undefined && t(locale, "outgoing.bot.echo.draftingUnit", { value: f.draftingUnit }),
      t(locale, "outgoing.bot.echo.subject", { value: f.subject! }),
      t(locale, "outgoing.bot.echo.signer", { value: `${f.signerTitle} ${f.signerName}` }),
      (f.internalRecipients?.length ?? 0) > 0 && t(locale, "outgoing.bot.echo.internal", { value: f.internalRecipients!.join(", ") }),
      (f.externalRecipients?.length ?? 0) > 0 && t(locale, "outgoing.bot.echo.external", { value: f.externalRecipients!.join("; ") }),
      t(locale, "outgoing.bot.echo.urgency", { value: t(locale, `bot.urgency.${f.urgency}`) }),
      t(locale, "outgoing.bot.echo.secrecy", { value: t(locale, `bot.secrecy.${f.secrecy}`) }),
      f.requiresRedSeal && t(locale, "outgoing.bot.echo.redSeal"),
      f.normative && t(locale, "outgoing.bot.echo.normative"),
      isSecret(f)
        ? t(locale, "outgoing.bot.echo.secret")
        : state.files.length > 0
          ? keptFilesLine(locale, state.files)
          : !isPaperOnly(f) && t(locale, "outgoing.bot.echo.noFile"),
      t(locale, "outgoing.bot.echo.howTo"),
    ),
    actions,
  };
  return { replies: [echo] };
};

/** `/phathanh …` typed (with or without keyword lines). */
export const onIssueCommand = async (ctx: TurnContext, parsed: ParsedIssue): Promise<TurnResult> => {
  requireClerk(ctx);
  const state = await stateForCommand(ctx);
  if (parsed.keywordLines === 0 && Object.keys(state.fields).length === 0) {
    await save(ctx, state);
    return { replies: [state.files.length > 0 ? reply(ctx.locale, "outgoing.bot.filesReceived", { count: state.files.length }) : reply(ctx.locale, "outgoing.bot.start")] };
  }
  merge(state, parsed);
  return advance(ctx, state, parsed.errors);
};

/**
 * Files arrived for an issue: as the caption of `/phathanh …` (`parsed`), or while an issue is in
 * progress (`captionText`: keyword lines, parsed here). Returns null when the files are not for an
 * issue (no /phathanh caption and no issue in progress).
 */
export const onIssueFiles = async (ctx: TurnContext, files: IncomingFile[], caption: { parsed?: ParsedIssue; text?: string }): Promise<TurnResult | null> => {
  const existing = await currentState(ctx);
  if (!existing && !caption.parsed) return null;
  requireClerk(ctx);
  const state = existing ?? (await stateForCommand(ctx));
  const parsed = caption.parsed ?? (caption.text && caption.text.trim() !== "" ? parseIssueBody(caption.text, { today: ctx.today, applyDefaults: false }) : null);
  if (parsed) merge(state, parsed);
  const refused = await keepPendingFiles(ctx, state, files, "outgoing.bot.tooManyFiles");
  if (refused) return refused;
  if (Object.keys(state.fields).length === 0) {
    await save(ctx, state);
    return { replies: [reply(ctx.locale, "outgoing.bot.filesReceived", { count: state.files.length })] };
  }
  return advance(ctx, state, parsed?.errors ?? []);
};

/** Plain text while an issue is in progress: keyword lines (an edit) or the answer to the last question. */
export const onIssueText = async (ctx: TurnContext, text: string): Promise<TurnResult | null> => {
  const state = await currentState(ctx);
  if (!state) return null;
  const asLines = parseIssueBody(text, { today: ctx.today, applyDefaults: false });
  if (asLines.keywordLines > 0) {
    merge(state, asLines);
    return advance(ctx, state, asLines.errors);
  }
  if (!state.asking) return null;
  const answer = parseIssueAnswer(state.asking, text);
  if ("error" in answer) return advance(ctx, state, [{ line: 0, messageKey: answer.error, value: text.trim() }]);
  if (state.asking === "signerTitle" && answer.fields.signerName !== undefined && answer.fields.signerTitle === undefined) {
    // The answer to "chức vụ?" is the title itself.
    state.fields.signerTitle = text.trim();
  } else {
    merge(state, { fields: answer.fields, defaultsApplied: [] });
  }
  return advance(ctx, state);
};

/** `/sua …` while an issue is in progress; null when none is. */
export const onIssueEdit = async (ctx: TurnContext, body: string): Promise<TurnResult | null> => {
  const state = await currentState(ctx);
  if (!state) return null;
  if (body.trim() === "") return { replies: [reply(ctx.locale, "bot.edit.how")] };
  const parsed = parseIssueBody(body, { today: ctx.today, applyDefaults: false });
  merge(state, parsed);
  return advance(ctx, state, parsed.errors);
};

/** Whether the conversation holds a shown issue echo with this nonce (a button press). */
export const issueNonce = async (ctx: TurnContext): Promise<string | undefined> => (await currentState(ctx))?.nonce;

/** /ok on a shown echo: issues the document; the clerk gets số, ký hiệu, REF and the sealed PDF. */
export const confirmIssue = async (ctx: TurnContext): Promise<TurnResult | null> => {
  const state = await currentState(ctx);
  if (!state || state.nonce === undefined) return null;
  const { locale } = ctx;
  const f = state.fields;
  if (!isPaperOnly(f) && state.files.length === 0) return { replies: [reply(locale, "outgoing.bot.needFile")] };
  const files = isSecret(f) ? [] : await Promise.all(state.files.map((p) => ctx.conversation.readFile(p)));
  const result = await issueOutgoingDocument(ctx.env.deps, {
    actorUserId: ctx.actor.id,
    docType: f.docType ?? OFFICIAL_LETTER,
    ...(f.draftingUnit !== undefined ? { draftingUnitCode: f.draftingUnit } : {}),
    subject: f.subject!,
    signerName: f.signerName!,
    signerTitle: f.signerTitle!,
    urgency: f.urgency ?? "NORMAL",
    secrecy: f.secrecy ?? "NONE",
    requiresRedSeal: f.requiresRedSeal ?? false,
    normative: f.normative ?? false,
    internalRecipients: f.internalRecipients ?? [],
    externalRecipients: f.externalRecipients ?? [],
    files: files.map((x) => ({ bytes: x.bytes, ...(x.fileName ? { fileName: x.fileName } : {}), ...(x.mime ? { mimeHint: x.mime } : {}) })),
    ...((ctx.env.agencyCertificate ?? ctx.env.deps.agencyCertificate) ? { certificate: ctx.env.agencyCertificate ?? ctx.env.deps.agencyCertificate } : {}),
  });
  await ctx.conversation.clear();
  const electronic = result.recipients.filter((r) => r.delivery === "ELECTRONIC").map((r) => r.unitCode!);
  const paper = result.recipients.filter((r) => r.delivery !== "ELECTRONIC").map((r) => r.name);
  const message: OutboundMessage = {
    text: lines(
      t(locale, "outgoing.bot.done", { code: result.numberAndNotation, ref: result.displayRef }),
      result.isPaperOnly
        ? t(locale, "outgoing.bot.donePaperOnly")
        : result.sealedSha256 &&
            t(locale, !result.isSigned ? "outgoing.bot.doneUnsigned" : result.sealForm === "SAO_Y" ? "outgoing.bot.doneSignedCopy" : "outgoing.bot.doneSigned"),
      electronic.length > 0 && t(locale, "outgoing.bot.doneElectronic", { units: electronic.join(", ") }),
      paper.length > 0 && t(locale, "outgoing.bot.donePaper", { names: paper.join("; ") }),
    ),
    ...(result.sealedSha256
      ? { attachments: [{ sha256: result.sealedSha256, fileName: `${result.numberAndNotation.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`, mime: "application/pdf", kind: "document" as const }] }
      : {}),
  };
  return { replies: [message] };
};

/** `/nhan P12-TCKH` (an outgoing ref): the unit confirms receipt; `P12` alone means the person's unit. */
export const onOutgoingAck = async (ctx: TurnContext, ref: DocRef): Promise<TurnResult> => {
  const r = await acknowledgeOutgoing(ctx.env.deps, {
    actorUserId: ctx.actor.id,
    ref: { kind: "OUT", number: ref.number, year: ref.year },
    ...(ref.unitCode ? { unitCode: ref.unitCode } : {}),
    channel: ctx.turn.channel,
  });
  return { replies: [reply(ctx.locale, "outgoing.bot.ackDone", { ref: r.displayRef })] };
};

/** The "Đã nhận" button of a delivered outgoing document. */
export const onOutgoingAckPress = async (ctx: TurnContext, recipientId: string): Promise<TurnResult> => {
  const r = await acknowledgeOutgoing(ctx.env.deps, { actorUserId: ctx.actor.id, recipientId, channel: ctx.turn.channel });
  return { replies: [], callbackText: t(ctx.locale, "outgoing.bot.ackDone", { ref: r.displayRef }), card: { actions: [] } };
};
