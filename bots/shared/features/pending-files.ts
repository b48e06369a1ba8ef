// Files a clerk sends before a form (/dangky, /phathanh) is confirmed: kept in the conversation's
// pending files until /ok — except for a secret document, whose scan is never kept at all.
import type { TurnContext } from "../context.ts";
import type { PendingFile } from "../conversation.ts";
import { reply } from "../render.ts";
import type { IncomingFile, TurnResult } from "../types.ts";
import { isSecret as isSecretLevel } from "../../../core/workflow/state-machine.ts";
import type { Secrecy } from "../text/values.ts";

/** Photos of one document's pages, at most. */
export const MAX_PENDING_FILES = 60;

/** Anything but "không" (mật, tối mật, tuyệt mật) keeps the document off the system. */
export const isSecret = (fields: { secrecy?: Secrecy | undefined }): boolean => fields.secrecy !== undefined && isSecretLevel(fields.secrecy);

/**
 * Adds `files` to the form's pending files (nothing for a secret document). Returns the refusal to
 * answer when there would be too many, else null.
 */
export const keepPendingFiles = async (
  ctx: TurnContext,
  state: { files: PendingFile[]; fields: { secrecy?: Secrecy | undefined } },
  files: IncomingFile[],
  tooManyKey: string,
): Promise<TurnResult | null> => {
  // A secret document's scan is never kept, not even for a moment.
  if (isSecret(state.fields)) return null;
  if (state.files.length + files.length > MAX_PENDING_FILES) return { replies: [reply(ctx.locale, tooManyKey)] };
  for (const file of files) state.files.push(await ctx.conversation.putFile(file));
  return null;
};

/**
 * Once the details say the document is secret, the files kept so far (sent before "độ mật: mật")
 * are deleted from the conversation store at once, not at /ok (which may never come). Call it
 * before the state is written again.
 */
export const discardFilesIfSecret = async (ctx: TurnContext, state: { files: PendingFile[]; fields: { secrecy?: string | undefined } }): Promise<void> => {
  if (!isSecret(state.fields) || state.files.length === 0) return;
  await ctx.conversation.discardFiles(state.files);
  state.files = [];
};
