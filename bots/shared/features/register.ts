// /dangky: a clerk registers an incoming document by text (DESIGN.md "Registering by text"), a
// keyword form (forms/keyword-form.ts): files and keyword lines in any order, missing lines asked
// for, the echo waits for /ok; then core registers it and the clerk gets số đến, the mã tham chiếu
// and the stamped PDF.
//
// A secret document (độ mật: mật, tối mật, tuyệt mật) is registered in chat with its số/ký hiệu,
// issuer and độ mật only: its trích yếu (and date, type, urgency) may disclose the secret, so they
// are refused, dropped from the conversation at once, and entered on the office's own machine
// (`edoc document complete`, README "Secret documents"). A scan sent with it is discarded too.
import { findDuplicates, registerIncomingDocument } from "../../../core/documents/register-incoming-document.ts";
import { t } from "../../../core/messages/index.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { isoDate } from "../context.ts";
import { createKeywordForm } from "../forms/keyword-form.ts";
import type { FormState } from "../forms/keyword-form.ts";
import { lines, reply } from "../render.ts";
import { formatDate, REGISTRATION_GRAMMAR } from "../text/index.ts";
import type { RegistrationField, RegistrationFields } from "../text/index.ts";
import { isSecret } from "./pending-files.ts";

/** A /dangky being filled in (kept in the chat's conversation). */
export type RegisterState = FormState<"register", RegistrationFields, RegistrationField>;

/** What chat may carry of a secret document: số/ký hiệu, issuer, độ mật (and the số đến it gets). */
const SECRET_REFUSED_IN_CHAT: readonly RegistrationField[] = ["subject", "issuedDate", "docType", "urgency"];
const SECRET_REQUIRED: readonly RegistrationField[] = ["codeNumber", "issuer"];

export const registerForm = createKeywordForm({
  kind: "register",
  grammar: REGISTRATION_GRAMMAR,
  role: "CLERK",
  messages: {
    start: "bot.register.start",
    filesReceived: "bot.register.filesReceived",
    tooManyFiles: "bot.register.tooManyFiles",
    needFile: "bot.register.needFile",
    ask: "bot.register.ask",
    echoTitle: "bot.register.echo.title",
    echoSecret: "bot.register.echo.secret",
    echoNoFile: "bot.register.echo.noFile",
  },
  bareCommandOverFiles: "ask",
  dropsRefusedFiles: true,
  missing: (f) => (isSecret(f) ? SECRET_REQUIRED.filter((k) => f[k] === undefined) : REGISTRATION_GRAMMAR.missing(f)),
  review: (ctx, state) => {
    if (!isSecret(state.fields)) return null;
    // Dropped before the state is saved: the secret's trích yếu is never kept.
    const refused = SECRET_REFUSED_IN_CHAT.filter((f) => state.fields[f] !== undefined);
    for (const f of refused) delete state.fields[f];
    if (refused.length === 0) return null;
    const names = refused.map((f) => t(ctx.locale, `bot.register.field.${f}`)).join(", ");
    return { notes: [reply(ctx.locale, "bot.register.secretRefused", { fields: names })], redactIncoming: true };
  },
  needsFile: (f) => !isSecret(f),
  echo: async (ctx, f, filesLine) => {
    const { locale } = ctx;
    const secret = isSecret(f);
    const duplicates = await findDuplicates(ctx.env.deps, ctx.actor.orgId, {
      issuer: f.issuer!,
      codeNumber: f.codeNumber,
      codeNotation: f.codeNotation,
      issuedDate: isoDate(f.issuedDate),
    }).catch(() => []);
    return [
      t(locale, "bot.register.echo.code", { value: f.codeNotation ? `${f.codeNumber}/${f.codeNotation}` : f.codeNumber! }),
      t(locale, "bot.register.echo.issuer", { value: f.issuer! }),
      !secret && t(locale, "bot.register.echo.issuedDate", { value: formatDate(f.issuedDate) }),
      !secret && t(locale, "bot.register.echo.docType", { value: f.docType }),
      !secret && t(locale, "bot.register.echo.subject", { value: f.subject! }),
      !secret && t(locale, "bot.register.echo.urgency", { value: t(locale, `bot.urgency.${f.urgency}`) }),
      t(locale, "bot.register.echo.secrecy", { value: t(locale, `bot.secrecy.${f.secrecy}`) }),
      secret && t(locale, "bot.register.echo.secretPending"),
      filesLine,
      duplicates.length > 0 && t(locale, "bot.register.echo.duplicate", { refs: duplicates.map((d) => d.ref).join(", ") }),
      t(locale, "bot.register.echo.howTo"),
    ];
  },
  // /ok: registers, and answers with số đến, REF and the stamped copy.
  confirm: async (ctx, f, files) => {
    const { locale } = ctx;
    const result = await registerIncomingDocument(ctx.env.deps, {
      actorUserId: ctx.actor.id,
      ...(f.codeNumber !== undefined ? { codeNumber: f.codeNumber } : {}),
      ...(f.codeNotation !== undefined ? { codeNotation: f.codeNotation } : {}),
      issuer: f.issuer!,
      secrecy: f.secrecy,
      // A secret document's other fields are entered on the office's machine, never from chat.
      ...(isSecret(f) ? {} : { docType: f.docType, issuedDate: isoDate(f.issuedDate), subject: f.subject!, urgency: f.urgency }),
      files,
    });
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
  },
});
