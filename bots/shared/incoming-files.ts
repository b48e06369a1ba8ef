// Reading what a person sent, whether it is in memory (Telegram, Zalo) or in a temporary file (a
// web-chat upload). A file on disk is streamed where the bytes only pass through (into a store), and
// read whole only where it must be parsed, inside the process-wide large-file gate, so a handful of
// concurrent large uploads are held in memory one at a time.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { largeFileGate, type LargeFileGate } from "../../core/index.ts";
import type { FileInMemory, IncomingFile } from "./types.ts";

/** Size of the chunks a file on disk is streamed in. */
const READ_CHUNK_BYTES = 1024 * 1024;

export const isInMemory = (file: IncomingFile): file is FileInMemory => "bytes" in file;

/** The file's size in bytes, without reading it. */
export const incomingFileSize = (file: IncomingFile): number => (isInMemory(file) ? file.bytes.byteLength : file.size);

/** The file's bytes in chunks (at most 1 MiB each for a file on disk). */
export const incomingFileChunks = (file: IncomingFile): AsyncIterable<Uint8Array> =>
  isInMemory(file)
    ? (async function* () {
        yield file.bytes;
      })()
    : createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES });

/**
 * The file in memory (read from disk when it is not already). Call it inside the large-file gate
 * ({@link withFilesInMemory}, or `largeFileGate.run` around more work).
 */
export const loadIncomingFile = async (file: IncomingFile): Promise<FileInMemory> => {
  if (isInMemory(file)) return file;
  const buf = await readFile(file.path);
  // A view, not `new Uint8Array(buf)`, which would copy the file a second time.
  return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), ...(file.fileName ? { fileName: file.fileName } : {}), ...(file.mime ? { mime: file.mime } : {}) };
};

/**
 * Runs `fn` with the files read into memory, once the large-file gate lets files of their total size
 * in; the bytes are meant to be dropped when `fn` returns.
 */
export const withFilesInMemory = async <T>(files: readonly IncomingFile[], fn: (files: FileInMemory[]) => Promise<T>, gate: LargeFileGate = largeFileGate): Promise<T> => {
  const total = files.reduce((sum, f) => sum + incomingFileSize(f), 0);
  return gate.run(total, async () => fn(await Promise.all(files.map(loadIncomingFile))));
};
