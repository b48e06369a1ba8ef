// /dangky: a clerk registers an incoming document by text (DESIGN.md "Registering by text"), a
// keyword form (forms/keyword-form.ts): files and keyword lines in any order, missing lines asked
// for, the echo waits for /ok; then core registers it and the clerk gets số đến, the mã tham chiếu
// and the stamped PDF.
//
// A secret document (độ mật: mật, tối mật, tuyệt mật) is registered in chat with its số/ký hiệu,
// issuer and độ mật only: its trích yếu (and date, type, urgency) may disclose the secret, so they
// are refused, dropped from the conversation at once, and entered on the office's own machine
// (`edoc document complete`, README "Secret documents"). A scan sent with it is discarded too.
//
// Reading the scan (issue 18, when settings.ocr is set): once the first files are kept the clerk is
// told "đang đọc văn bản…" at once (the turn's progress hook), the scan is read (text layer, else
// OCR in a worker thread) within settings.ocr.timeoutMs, and the echo comes prefilled, each field
// read marked as such. A typed field always wins (read fields are kept apart in the state). A
// field read with low confidence is shown and flagged to be checked. A scan marked mật/tối mật/
// tuyệt mật stops the read and goes the secret way (files discarded, text never kept). A failed read
// leaves today's manual form and the reason. The text read is stored for /tim after /ok.
import { findDuplicates, registerIncomingDocument, knownIssuers, storeDocumentText, t, type OutboundMessage, capUtf8 } from "../../../core/index.ts";
import type { PageText, ExtractedFields } from "../../../core/ocr/index.ts";
import { isoDate } from "../context.ts";
import type { TurnContext } from "../context.ts";
import { createKeywordForm } from "../forms/keyword-form.ts";
import type { FormState, ReadMark, ReadScan } from "../forms/keyword-form.ts";
import { mapError } from "../map-error.ts";
import { lines, reply } from "../render.ts";
import { normalizeIncomingDocType } from "../text/doc-types.ts";
import { formatDate, REGISTRATION_GRAMMAR, REGISTRATION_MAX_LENGTH, signerText } from "../text/index.ts";
import type { RegistrationField, RegistrationFields } from "../text/index.ts";
import { isSecret } from "./pending-files.ts";

/** A /dangky being filled in (kept in the chat's conversation). */
export type RegisterState = FormState<"register", RegistrationFields, RegistrationField>;

/** What chat may carry of a secret document: số/ký hiệu, issuer, độ mật (and the số đến it gets). */
const SECRET_REFUSED_IN_CHAT = ["subject", "issuedDate", "docType", "urgency", "signerName", "signerTitle"] as const satisfies readonly RegistrationField[];
const SECRET_REQUIRED: readonly RegistrationField[] = ["codeNumber", "issuer"];

/** A field read with less confidence than this is shown flagged "check it". */
export const SURE_CONFIDENCE = 0.6;
/** The text read is kept in the conversation up to this many UTF-8 bytes until /ok. */
export const MAX_READ_TEXT_BYTES = 64_000;

type Read = ReadScan<RegistrationFields>;

/** The form's fields from what was read (values that /dangky would refuse are left out). */
export const fieldsFromScan = (x: ExtractedFields): Read => {
  const fields: Partial<RegistrationFields> = {};
  const unsure: RegistrationField[] = [];
  const put = <K extends RegistrationField>(k: K, v: RegistrationFields[K], confidence: number) => {
    fields[k] = v;
    if (confidence < SURE_CONFIDENCE) unsure.push(k);
  };
  const fits = (v: string | undefined, max: number) => v !== undefined && v.trim() !== "" && v.length <= max;
  if (x.code && fits(x.code.value.codeNumber, REGISTRATION_MAX_LENGTH.codeNumber)) {
    put("codeNumber", x.code.value.codeNumber, x.code.confidence);
    if (fits(x.code.value.codeNotation, REGISTRATION_MAX_LENGTH.codeNotation)) put("codeNotation", x.code.value.codeNotation!, x.code.confidence);
  }
  if (x.issuer && fits(x.issuer.value, REGISTRATION_MAX_LENGTH.issuer)) put("issuer", x.issuer.value, x.issuer.confidence);
  if (x.issuedDate) put("issuedDate", x.issuedDate.value, x.issuedDate.confidence);
  if (x.docType) {
    const type = normalizeIncomingDocType(x.docType.value);
    if (type !== null) put("docType", type, x.docType.confidence);
  }
  if (x.subject && fits(x.subject.value, REGISTRATION_MAX_LENGTH.subject)) put("subject", x.subject.value, x.subject.confidence);
  if (x.urgency) put("urgency", x.urgency.value, x.urgency.confidence);
  if (x.requestedDueDate) put("requestedDueDate", x.requestedDueDate.value, x.requestedDueDate.confidence);
  // The signer: the title as printed (the last line of the block: "PHÓ GIÁM ĐỐC" under "KT. GIÁM ĐỐC") and the name.
  if (x.signer) {
    const { position, fullName } = x.signer.value;
    if (fits(fullName, REGISTRATION_MAX_LENGTH.signerName)) put("signerName", fullName!.trim(), x.signer.confidence);
    if (fits(position, REGISTRATION_MAX_LENGTH.signerTitle)) put("signerTitle", position.trim(), x.signer.confidence);
  }
  // A secrecy mark is taken at any confidence: a false "mật" costs a retyped form, a missed one a leak.
  if (x.secrecyMark) fields.secrecy = x.secrecyMark.value;
  return { fields, ...(unsure.length > 0 ? { unsure } : {}) };
};

/** What chat may keep of a secret scan read: số/ký hiệu, issuer, độ mật; no text. */
const secretPart = (r: Read): Read => {
  const { codeNumber, codeNotation, issuer, secrecy } = r.fields;
  const fields = { ...(codeNumber ? { codeNumber } : {}), ...(codeNotation ? { codeNotation } : {}), ...(issuer ? { issuer } : {}), ...(secrecy ? { secrecy } : {}) };
  const unsure = r.unsure?.filter((k) => k in fields);
  return { fields, ...(unsure && unsure.length > 0 ? { unsure } : {}) };
};

/** The pages' texts kept in the conversation for a later extension of the read: in page order while they fit in MAX_READ_TEXT_BYTES. */
const keptPages = (pages: readonly PageText[]): PageText[] => {
  const out: PageText[] = [];
  let bytes = 0;
  for (const p of pages) {
    bytes += Buffer.byteLength(p.text);
    if (bytes > MAX_READ_TEXT_BYTES) break;
    out.push(p);
  }
  return out;
};

/** Reads the kept scan for the form (see the header); files added later extend the read (only their pages are read). */
const readScan = async (ctx: TurnContext, state: RegisterState): Promise<{ read: Read | null; notes: OutboundMessage[] }> => {
  const ocr = ctx.env.deps.settings.ocr;
  if (!ocr) return { read: null, notes: [] };
  const { locale } = ctx;
  // "Reading…" goes out now, before the read; a channel without the hook just answers later.
  await ctx.turn.progress?.(reply(locale, "bot.register.reading")).catch((err: unknown) => ctx.env.logger.warn({ err, updateKey: ctx.turn.updateKey }, "progress message failed"));
  const stop = new AbortController();
  let early: ExtractedFields | null = null;
  // The OCR engine's modules (sharp, tesseract.js, pdf-lib) load with the first scan, not at start.
  const { readDocument, OcrError } = await import("../../../core/ocr/index.ts");
  try {
    const files = await Promise.all(state.files.map(async (p) => ({ bytes: (await ctx.conversation.readFile(p)).bytes })));
    const result = await readDocument({
      files,
      // Files added after a read: the pages read already are not read again.
      ...(state.read?.pages ? { known: state.read.pages } : {}),
      knownIssuers: await knownIssuers(ctx.env.deps, ctx.actor.orgId),
      today: ctx.today,
      timeoutMs: ocr.timeoutMs,
      signal: stop.signal,
      // A secret scan is not read any further than page 1 and the last page.
      onFields: (fields) => {
        if (!fields.secrecyMark) return;
        early = fields;
        stop.abort();
      },
    });
    const read = fieldsFromScan(result.fields);
    if (isSecret(read.fields)) return { read: secretPart(read), notes: [reply(locale, "bot.register.readSecret")] };
    const text = capUtf8(result.text, MAX_READ_TEXT_BYTES);
    return { read: { ...read, ...(text !== "" ? { text, source: result.source } : {}), fileCount: files.length, pages: keptPages(result.pageTexts) }, notes: [] };
  } catch (err) {
    if (early !== null) return { read: secretPart(fieldsFromScan(early)), notes: [reply(locale, "bot.register.readSecret")] };
    if (!(err instanceof OcrError)) ctx.env.logger.error({ err, updateKey: ctx.turn.updateKey }, "reading the scan failed");
    const why = err instanceof OcrError ? mapError(err, { locale, updateKey: ctx.turn.updateKey, logger: ctx.env.logger }) : reply(locale, "ocr.engineFailed");
    // Extending a read: what was read stays. Else nothing read: the files stay kept, the manual form
    // goes on; the read is not tried again.
    if (state.read?.fileCount !== undefined) return { read: null, notes: [why] };
    return { read: { fields: {} }, notes: [why] };
  }
};

/** " (đọc từ bản quét)" after a field read from the scan. */
const readSuffix = (ctx: TurnContext, read: ReadonlyMap<RegistrationField, ReadMark>, ...keys: RegistrationField[]): string => {
  const marks = keys.map((k) => read.get(k)).filter((m) => m !== undefined);
  if (marks.length === 0) return "";
  return ` ${t(ctx.locale, marks.includes("unsure") ? "bot.register.echo.readUnsure" : "bot.register.echo.read")}`;
};

export const registerForm = createKeywordForm({
  kind: "register",
  grammar: REGISTRATION_GRAMMAR,
  role: "CLERK",
  messages: {
    start: "bot.register.start",
    filesReceived: "bot.register.filesReceived",
    tooManyFiles: "bot.register.tooManyFiles",
    needFile: "bot.register.needFile",
    // Only required fields are asked (REQUIRED_REGISTRATION_FIELDS, SECRET_REQUIRED): their questions exist.
    ask: (field) => `bot.register.ask.${field as "codeNumber" | "issuer" | "subject"}`,
    echoTitle: "bot.register.echo.title",
    echoSecret: "bot.register.echo.secret",
    echoNoFile: "bot.register.echo.noFile",
    filesAdded: "bot.register.filesAdded",
  },
  bareCommandOverFiles: "ask",
  dropsRefusedFiles: true,
  missing: (f) => (isSecret(f) ? SECRET_REQUIRED.filter((k) => f[k] === undefined) : REGISTRATION_GRAMMAR.missing(f)),
  readScan,
  review: (ctx, state) => {
    if (!isSecret({ ...state.read?.fields, ...state.fields })) return null;
    // What was read of it goes too (typed secret after the read), and its text.
    if (state.read) state.read = secretPart(state.read);
    // Dropped before the state is saved: the secret's trích yếu is never kept.
    const refused = SECRET_REFUSED_IN_CHAT.filter((f) => state.fields[f] !== undefined);
    for (const f of refused) delete state.fields[f];
    if (refused.length === 0) return null;
    const names = refused.map((f) => t(ctx.locale, `bot.register.field.${f}`)).join(", ");
    return { notes: [reply(ctx.locale, "bot.register.secretRefused", { fields: names })], redactIncoming: true };
  },
  needsFile: (f) => !isSecret(f),
  echo: async (ctx, f, filesLine, read) => {
    const { locale } = ctx;
    const secret = isSecret(f);
    const duplicates = await findDuplicates(ctx.env.deps, ctx.actor.orgId, {
      issuer: f.issuer!,
      codeNumber: f.codeNumber,
      codeNotation: f.codeNotation,
      issuedDate: isoDate(f.issuedDate),
    }).catch(() => []);
    const mark = (...keys: RegistrationField[]) => readSuffix(ctx, read, ...keys);
    return [
      t(locale, "bot.register.echo.code", { value: f.codeNotation ? `${f.codeNumber}/${f.codeNotation}` : f.codeNumber! }) + mark("codeNumber", "codeNotation"),
      t(locale, "bot.register.echo.issuer", { value: f.issuer! }) + mark("issuer"),
      !secret && t(locale, "bot.register.echo.issuedDate", { value: formatDate(f.issuedDate) }) + mark("issuedDate"),
      !secret && t(locale, "bot.register.echo.docType", { value: f.docType }) + mark("docType"),
      !secret && t(locale, "bot.register.echo.subject", { value: f.subject! }) + mark("subject"),
      !secret && t(locale, "bot.register.echo.urgency", { value: t(locale, `bot.urgency.${f.urgency}`) }) + mark("urgency"),
      !secret && f.requestedDueDate !== undefined && t(locale, "bot.register.echo.requestedDueDate", { value: formatDate(f.requestedDueDate) }) + mark("requestedDueDate"),
      !secret && (f.signerName !== undefined || f.signerTitle !== undefined) && t(locale, "bot.register.echo.signer", { value: signerText(f) }) + mark("signerTitle", "signerName"),
      t(locale, "bot.register.echo.secrecy", { value: t(locale, `bot.secrecy.${f.secrecy}`) }) + mark("secrecy"),
      secret && t(locale, "bot.register.echo.secretPending"),
      filesLine,
      duplicates.length > 0 && t(locale, "bot.register.echo.duplicate", { refs: duplicates.map((d) => d.ref).join(", ") }),
      t(locale, "bot.register.echo.howTo"),
    ];
  },
  // /ok: registers, and answers with số đến, REF and the stamped copy.
  confirm: async (ctx, f, files, state) => {
    const { locale } = ctx;
    const secret = isSecret(f);
    const result = await registerIncomingDocument(ctx.env.deps, {
      actorUserId: ctx.actor.id,
      ...(f.codeNumber !== undefined ? { codeNumber: f.codeNumber } : {}),
      ...(f.codeNotation !== undefined ? { codeNotation: f.codeNotation } : {}),
      issuer: f.issuer!,
      secrecy: f.secrecy,
      // A secret document's other fields are entered on the office's machine, never from chat.
      ...(secret
        ? {}
        : {
            docType: f.docType,
            issuedDate: isoDate(f.issuedDate),
            subject: f.subject!,
            urgency: f.urgency,
            ...(f.requestedDueDate !== undefined ? { requestedDueDate: isoDate(f.requestedDueDate) } : {}),
            ...(f.signerName !== undefined ? { signerName: f.signerName } : {}),
            ...(f.signerTitle !== undefined ? { signerTitle: f.signerTitle } : {}),
          }),
      files,
    });
    // The text read from the scan, for /tim (never a secret document's: core refuses it too).
    const text = state.read?.text;
    if (!secret && text !== undefined && state.read?.source !== undefined) {
      await storeDocumentText(ctx.env.deps, { documentId: result.documentId, text, source: state.read.source }).catch((err: unknown) =>
        ctx.env.logger.warn({ err, updateKey: ctx.turn.updateKey, documentId: result.documentId }, "storing the scan's text failed"),
      );
    }
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
