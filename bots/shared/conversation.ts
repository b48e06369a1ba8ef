// Conversation state per chat, kept in core's ConversationStore (key `conv:<channel>:<chatId>`),
// with a short lifetime: a registration being filled in, a directive waiting for /ok, a report
// being asked for. Files of a registration in progress are kept beside it (one entry per file) and
// NOT in the file store: a scan that turns out to be secret must never be stored (DESIGN.md
// principle 6), so only /ok of a non-secret document hands it to core.
import { randomBytes } from "node:crypto";
import { DomainError } from "../../core/errors.ts";
import type { ConversationStore } from "../../core/conversations/conversation-store.ts";
import { rechunk } from "../../core/files/rechunk.ts";
import type { IssueDirectiveInput } from "../../core/directives/issue-directive.ts";
import type { RegistrationField, RegistrationFields } from "./text/index.ts";
import { incomingFileChunks, incomingFileSize, isInMemory } from "./incoming-files.ts";
import type { BotChannel, FileInMemory, IncomingFile } from "./types.ts";
import type { IssueState } from "./features/issue.ts";
import type { DirectGuideState } from "./features/direct-guide.ts";

/**
 * A stored file of a registration in progress. Its bytes live under `key` (base64), or, for a file
 * larger than one chunk, in `chunks` entries `key:0`, `key:1`, … of at most 1 MiB each, so keeping a
 * 50 MB scan never holds it whole (nor its base64) in memory.
 */
export type PendingFile = {
  key: string;
  /** Number of chunk entries; absent: the bytes are under `key` itself. */
  chunks?: number;
  fileName?: string;
  mime?: string;
  size: number;
  /** What its bytes are (checked on arrival: core/pdf/check-arrival.ts), and a PDF's pages. */
  kind?: "pdf" | "jpeg" | "png";
  pageCount?: number | null;
};

export type RegisterState = {
  kind: "register";
  fields: Partial<RegistrationFields>;
  files: PendingFile[];
  /** The field the last question asked for. */
  asking?: RegistrationField;
  /** Set once the echo was shown: the confirmation buttons carry it. */
  nonce?: string;
  /** The echo's commands in order, for numbered replies ("1" = the first); see BotEnv.numberedChoices. */
  choices?: string[];
};

export type DirectState = {
  kind: "direct";
  /** Checked by previewDirective; issued as it is after /ok. */
  input: IssueDirectiveInput;
  nonce: string;
  /** The echo's commands in order, for numbered replies ("1" = the first); see BotEnv.numberedChoices. */
  choices?: string[];
  /** The echo ends a guided directive: "Sửa" goes back to it (features/direct-guide.ts). */
  guide?: DirectGuideState;
};

/**
 * The next text is the directive on this document, in the grammar. Set by versions before the
 * guided flow (features/direct-guide.ts); a state left from then is still honoured.
 */
export type DirectTextState = { kind: "directText"; documentId: string };

/** A "Xong" button was pressed: the next text (and files) is the completion report. */
export type DoneReportState = { kind: "doneReport"; assignmentId: string };

/** A progress / return / extend / delegate button was pressed: the next text is its words. */
export type AssignmentArgState = { kind: "assignmentArg"; action: "progress" | "return" | "extend" | "delegate"; assignmentId: string; ref: string };

export type ConversationState = RegisterState | DirectState | DirectTextState | DirectGuideState | DoneReportState | AssignmentArgState | IssueState;

export const DEFAULT_CONVERSATION_TTL_MS = 30 * 60_000;

/** A chat's conversation: its state, and the files of a registration in progress. */
export type Conversation = {
  get(): Promise<ConversationState | null>;
  set(state: ConversationState): Promise<void>;
  /** Forgets the state and any pending files. */
  clear(): Promise<void>;
  /** Keeps a file for the registration in progress. */
  putFile(file: IncomingFile): Promise<PendingFile>;
  readFile(file: PendingFile): Promise<FileInMemory>;
  /** Deletes kept files (a document that turned out to be secret: its scan is never kept). */
  discardFiles(files: readonly PendingFile[]): Promise<void>;
};

export const conversationKey = (channel: BotChannel, chatId: string): string => `conv:${channel}:${chatId}`;

/** A short random token for confirmation buttons: a press on an older echo is recognised as stale. */
export const newNonce = (): string => randomBytes(6).toString("base64url");

/** Size of one stored chunk of a pending file. @defaultValue 1 MiB */
export const PENDING_FILE_CHUNK_BYTES = 1024 * 1024;

/** The store entries holding a pending file's bytes. */
const entriesOf = (f: Pick<PendingFile, "key" | "chunks">): string[] => (f.chunks === undefined ? [f.key] : Array.from({ length: f.chunks }, (_, i) => `${f.key}:${i}`));

export const openConversation = (store: ConversationStore, channel: BotChannel, chatId: string, ttlMs: number): Conversation => {
  const key = conversationKey(channel, chatId);
  const current = async (): Promise<ConversationState | null> => store.get<ConversationState>(key);
  const deleteFiles = async (files: readonly PendingFile[]) => {
    for (const f of files) for (const entry of entriesOf(f)) await store.delete(entry);
  };
  return {
    get: current,
    set: (state) => store.set(key, state, ttlMs),
    clear: async () => {
      const state = await current();
      if (state?.kind === "register" || state?.kind === "issue") await deleteFiles(state.files);
      await store.delete(key);
    },
    putFile: async (file) => {
      const fileKey = `${key}:file:${newNonce()}`;
      const meta = { ...(file.fileName ? { fileName: file.fileName } : {}), ...(file.mime ? { mime: file.mime } : {}) };
      const size = incomingFileSize(file);
      // One entry for a file of one chunk (the common photo or short scan), chunks for a larger one.
      if (isInMemory(file) && size <= PENDING_FILE_CHUNK_BYTES) {
        await store.set(fileKey, { b64: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString("base64") }, ttlMs);
        return { key: fileKey, size, ...meta };
      }
      let chunks = 0;
      try {
        for await (const piece of rechunk(incomingFileChunks(file), PENDING_FILE_CHUNK_BYTES)) {
          await store.set(`${fileKey}:${chunks}`, { b64: Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString("base64") }, ttlMs);
          chunks += 1;
        }
      } catch (err) {
        await deleteFiles([{ key: fileKey, chunks: chunks + 1, size: 0 }]).catch(() => {});
        throw err;
      }
      return { key: fileKey, chunks, size, ...meta };
    },
    readFile: async (f) => {
      const parts: Buffer[] = [];
      for (const entry of entriesOf(f)) {
        const stored = await store.get<{ b64: string }>(entry);
        // The conversation outlived its file: the clerk must send it again.
        if (!stored) throw new DomainError("FILE_NOT_FOUND", "intake.fileNotFound");
        parts.push(Buffer.from(stored.b64, "base64"));
      }
      const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      return { bytes: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength), ...(f.fileName ? { fileName: f.fileName } : {}), ...(f.mime ? { mime: f.mime } : {}) };
    },
    discardFiles: deleteFiles,
  };
};
