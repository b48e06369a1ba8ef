// /phathanh: a clerk issues an outgoing document by text (DESIGN.md "Issuing an outgoing document by
// text"), a keyword form (forms/keyword-form.ts). The signed scan comes first (or with the keyword
// lines as caption, or after them); missing lines are asked for one by one; the echo waits for /ok
// (or the Xác nhận button); then core gives số đi and ký hiệu, seals (and signs) the copy and
// delivers it, and the clerk gets the number, the REF (P12) and the sealed PDF. Recipient units
// acknowledge with `/nhan P12-TCKH` (onOutgoingAck). With the interchange on, /ok also says which
// external recipients go through it and which do not (no organ id in its directory). An outgoing
// document sent through the interchange is recalled with `/thuhoi P12 lý do` (onOutgoingRecall).
import { recallOutgoingDocument } from "../../../core/interchange/index.ts";
import { t, acknowledgeOutgoing, recipientMessageActions, docTypeAbbreviation, issueOutgoingDocument, type OutboundMessage } from "../../../core/index.ts";
import type { TurnContext } from "../context.ts";
import { createKeywordForm } from "../forms/keyword-form.ts";
import type { FormState } from "../forms/keyword-form.ts";
import { lines, reply } from "../render.ts";
import { ISSUE_GRAMMAR } from "../text/index.ts";
import type { DocRef, IssueField, IssueFields } from "../text/index.ts";
import type { TurnResult } from "../types.ts";
import { isSecret } from "./pending-files.ts";

/** A /phathanh being filled in (kept in the chat's conversation). */
export type IssueState = FormState<"issue", IssueFields, IssueField>;

/** A secret document or one that must carry the red seal goes on paper: no file is needed. */
const isPaperOnly = (f: Partial<IssueFields>): boolean => isSecret(f) || f.requiresRedSeal === true;

export const issueForm = createKeywordForm({
  kind: "issue",
  grammar: ISSUE_GRAMMAR,
  role: "CLERK",
  messages: {
    start: "outgoing.bot.start",
    filesReceived: "outgoing.bot.filesReceived",
    tooManyFiles: "outgoing.bot.tooManyFiles",
    needFile: "outgoing.bot.needFile",
    // Only required fields are asked (ISSUE_GRAMMAR.missing): their questions exist.
    ask: (field) => `outgoing.bot.ask.${field as "subject" | "signerName" | "signerTitle" | "recipients" | "draftingUnit"}`,
    echoTitle: "outgoing.bot.echo.title",
    echoSecret: "outgoing.bot.echo.secret",
    echoNoFile: "outgoing.bot.echo.noFile",
  },
  bareCommandOverFiles: "acknowledge",
  keepsParsedDefaults: true,
  // Files sent before /phathanh went into a registration with nothing typed: the scan was meant for this.
  takesOverFilesOf: "register",
  needsFile: (f) => !isPaperOnly(f),
  echo: (ctx, f, filesLine) => {
    const { locale } = ctx;
    const abbreviation = docTypeAbbreviation(f.docType);
    const notation = abbreviation ? `${abbreviation}-…` : `…-${f.draftingUnit ?? ctx.actor.unitCode}`;
    return [
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
      filesLine,
      t(locale, "outgoing.bot.echo.howTo"),
    ];
  },
  // /ok: issues the document; the clerk gets số, ký hiệu, REF and the sealed PDF.
  confirm: async (ctx, f, files) => {
    const { locale } = ctx;
    const certificate = ctx.env.agencyCertificate ?? ctx.env.deps.agencyCertificate;
    const result = await issueOutgoingDocument(ctx.env.deps, {
      actorUserId: ctx.actor.id,
      docType: f.docType,
      ...(f.draftingUnit !== undefined ? { draftingUnitCode: f.draftingUnit } : {}),
      subject: f.subject!,
      signerName: f.signerName!,
      signerTitle: f.signerTitle!,
      urgency: f.urgency,
      secrecy: f.secrecy,
      requiresRedSeal: f.requiresRedSeal,
      normative: f.normative ?? false,
      internalRecipients: f.internalRecipients ?? [],
      externalRecipients: f.externalRecipients ?? [],
      files,
      ...(certificate ? { certificate } : {}),
    });
    const electronic = result.recipients.filter((r) => r.delivery === "ELECTRONIC").map((r) => r.unitCode!);
    // With the interchange on, external recipients are said apart: through it, or not (no organ id in its directory).
    const axis = result.interchange;
    const external = result.recipients.filter((r) => r.delivery === "EXTERNAL");
    const viaAxis = axis ? external.filter((r) => axis.some((a) => a.recipientId === r.recipientId)) : [];
    const notViaAxis = axis && !result.isPaperOnly ? external.filter((r) => !viaAxis.includes(r)) : [];
    const paper = result.recipients.filter((r) => r.delivery !== "ELECTRONIC" && !viaAxis.includes(r) && !notViaAxis.includes(r)).map((r) => r.name);
    const message: OutboundMessage = {
      text: lines(
        t(locale, "outgoing.bot.done", { code: result.numberAndNotation, ref: result.displayRef }),
        result.isPaperOnly
          ? t(locale, "outgoing.bot.donePaperOnly")
          : result.sealedSha256 &&
              t(locale, !result.isSigned ? "outgoing.bot.doneUnsigned" : result.sealForm === "SAO_Y" ? "outgoing.bot.doneSignedCopy" : "outgoing.bot.doneSigned"),
        electronic.length > 0 && t(locale, "outgoing.bot.doneElectronic", { units: electronic.join(", ") }),
        viaAxis.length > 0 &&
          t(locale, "outgoing.bot.doneInterchange", {
            agencies: axis!
              .filter((a) => viaAxis.some((r) => r.recipientId === a.recipientId))
              .map((a) => `${a.organName} (${a.organId})`)
              .join("; "),
          }),
        notViaAxis.length > 0 && t(locale, "outgoing.bot.doneNotInterchange", { names: notViaAxis.map((r) => r.name).join("; ") }),
        paper.length > 0 && t(locale, "outgoing.bot.donePaper", { names: paper.join("; ") }),
      ),
      ...(result.sealedSha256
        ? {
            attachments: [
              { sha256: result.sealedSha256, fileName: `${result.numberAndNotation.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`, mime: "application/pdf", kind: "document" as const },
            ],
          }
        : {}),
    };
    return { replies: [message] };
  },
});

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

/** `/thuhoi P12 lý do`: recalls an outgoing document from its interchange recipients (the reason is required). */
export const onOutgoingRecall = async (ctx: TurnContext, ref: DocRef, reason: string): Promise<TurnResult> => {
  const r = await recallOutgoingDocument(ctx.env.deps, { actorUserId: ctx.actor.id, ref: { kind: "OUT", number: ref.number, year: ref.year }, reason });
  const message =
    r.recipients.length > 0
      ? reply(ctx.locale, "outgoing.bot.recalled", { ref: r.displayRef, reason: r.reason, agencies: r.recipients.map((a) => `${a.name} (${a.organId})`).join("; ") })
      : reply(ctx.locale, "outgoing.bot.recalledNothingSent", { ref: r.displayRef });
  return { replies: [message] };
};

/** The "Đã nhận" button of a delivered outgoing document. */
export const onOutgoingAckPress = async (ctx: TurnContext, recipientId: string): Promise<TurnResult> => {
  const r = await acknowledgeOutgoing(ctx.env.deps, { actorUserId: ctx.actor.id, recipientId, channel: ctx.turn.channel });
  // The card keeps what the recipient may still do (nothing, once acknowledged).
  return {
    replies: [],
    callbackText: t(ctx.locale, "outgoing.bot.ackDone", { ref: r.displayRef }),
    card: { actions: recipientMessageActions(ctx.locale, { id: r.id, shownRef: r.displayRef }, r.actions) },
  };
};
