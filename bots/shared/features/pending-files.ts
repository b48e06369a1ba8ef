// Files a clerk sends before a form (/dangky, /phathanh) is confirmed: kept in the conversation's
// pending files until /ok — except for a secret document, whose scan is never kept at all.
import type { TurnContext } from "../context.ts";
import type { PendingFile, StoredState } from "../conversation.ts";
import { reply } from "../render.ts";
import type { IncomingFile, TurnResult } from "../types.ts";
import { isSecret as isSecretLevel, DomainError, type OutboundMessage, largeFileGate, t, type Locale, type MessageKey } from "../../../core/index.ts";
import type { Secrecy } from "../text/values.ts";
import { checkArrivedFile } from "../../../core/pdf/index.ts";
import { incomingFileSize, isInMemory } from "../incoming-files.ts";
import { mapError } from "../map-error.ts";

/** Photos of one document's pages, at most. */
export const MAX_PENDING_FILES = 60;

/** Anything but "không" (mật, tối mật, tuyệt mật) keeps the document off the system. */
export const isSecret = (fields: { secrecy?: Secrecy | undefined }): boolean => fields.secrecy !== undefined && isSecretLevel(fields.secrecy);

/**
 * Adds `files` to the form's pending files (nothing for a secret document). Each file is checked on
 * arrival: a bad one (empty, corrupt, encrypted, oversized, HTML, bomb) is refused at once, as a
 * message in the conversation, and not kept; the good ones of the same album are kept. Returns the
 * refusals (or "too many") to answer, else null.
 */
export const keepPendingFiles = async (
  ctx: TurnContext,
  state: StoredState & { files: PendingFile[]; fields: { secrecy?: Secrecy | undefined } },
  files: IncomingFile[],
  tooManyKey: MessageKey,
): Promise<TurnResult | null> => {
  // A secret document's scan is never kept, not even for a moment.
  if (isSecret(state.fields)) return null;
  if (state.files.length + files.length > MAX_PENDING_FILES) return { replies: [reply(ctx.locale, tooManyKey)] };
  const refusals: OutboundMessage[] = [];
  for (const file of files) {
    try {
      // A file on disk (web chat) never sits in memory whole, so it does not wait for the large-file
      // gate: core checks it by reading its structure by offset (and takes the gate itself when it
      // must read it whole), then it streams into the conversation store one raw piece at a time. A
      // file in memory (Telegram, Zalo) is checked and kept one large file at a time.
      const keep = async () => {
        const checked = await checkIncoming(ctx, file);
        return { ...(await ctx.conversation.putFile(file)), kind: checked.kind, pageCount: checked.pageCount };
      };
      const kept = isInMemory(file) ? await largeFileGate.run(incomingFileSize(file), keep) : await keep();
      state.files.push(kept);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const refusal = mapError(err, { locale: ctx.locale, updateKey: ctx.turn.updateKey, logger: ctx.env.logger });
      refusals.push(file.fileName ? { ...refusal, title: file.fileName } : refusal);
    }
  }
  if (refusals.length === 0) return null;
  // Keep what the form already has (the good files, a caption's fields); a form with nothing yet is not started.
  if (state.files.length > 0 || Object.keys(state.fields).length > 0) await ctx.conversation.set(state);
  return { replies: refusals };
};

/** The arrival check of one file. */
const checkIncoming = async (ctx: TurnContext, file: IncomingFile) => {
  const hints = { ...(file.fileName ? { fileName: file.fileName } : {}), ...(file.mime ? { mimeHint: file.mime } : {}) };
  return checkArrivedFile(ctx.env.deps, isInMemory(file) ? { bytes: file.bytes, ...hints } : { path: file.path, size: file.size, ...hints });
};

/**
 * Once the details say the document is secret, the files kept so far (sent before "độ mật: mật")
 * are deleted from the conversation store at once, not at /ok (which may never come). Call it
 * before the state is written again.
 */
export const discardFilesIfSecret = async (ctx: TurnContext, state: { files: PendingFile[]; fields: { secrecy?: Secrecy | undefined } }): Promise<void> => {
  if (!isSecret(state.fields) || state.files.length === 0) return;
  await ctx.conversation.discardFiles(state.files);
  state.files = [];
};

/** A kept file as a form shows it: its name, its real type (from its bytes) and a PDF's pages. */
export const fileLabel = (locale: Locale, f: PendingFile, i: number): string => {
  const name = f.fileName ?? t(locale, "bot.register.echo.fileN", { n: i + 1 });
  if (f.kind === "pdf") return t(locale, "bot.register.echo.pdfFile", { name, pages: f.pageCount ?? "?" });
  if (f.kind === "jpeg" || f.kind === "png") return t(locale, "bot.register.echo.photoFile", { name, kind: f.kind.toUpperCase() });
  return name;
};

/**
 * The echo's line for the kept files, the same in every form (/dangky, /phathanh):
 * "Tệp: 1 tệp: x.pdf (PDF, 2 trang)".
 */
export const keptFilesLine = (locale: Locale, files: PendingFile[]): string =>
  t(locale, "bot.register.echo.fileList", { count: files.length, files: files.map((f, i) => fileLabel(locale, f, i)).join("; ") });
