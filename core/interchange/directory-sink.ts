// An attachment sink that writes each attachment to its own file in a directory (e.g. a temp directory
// of the polling job), honouring backpressure; a refused package leaves no file behind.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import type { AttachmentSink, AttachmentTarget } from "./edxml-stream.ts";

/** Where an attachment was written. */
export type StoredFile = { path: string };

const closeStream = async (stream: WriteStream) => {
  if (stream.closed) return;
  stream.end();
  await once(stream, "close");
};

/**
 * Writes attachment `i` to `<dir>/<prefix><i>.bin`. The directory is created when missing.
 *
 * @example
 * const pkg = await parseEdxmlPackage(body, { sink: createDirectorySink(dir), maxAttachmentBytes });
 * // pkg.attachments[0].stored.path
 */
export const createDirectorySink = (dir: string, prefix = "attachment-"): AttachmentSink<StoredFile> => ({
  async begin({ index }): Promise<AttachmentTarget<StoredFile>> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${prefix}${index}.bin`);
    const stream = createWriteStream(file, { flags: "w" });
    let failure: Error | undefined;
    stream.on("error", (err) => {
      failure = err;
    });
    return {
      async write(bytes) {
        if (failure) throw failure;
        if (!stream.write(bytes)) await Promise.race([once(stream, "drain"), once(stream, "error")]);
        if (failure) throw failure;
      },
      async end() {
        await closeStream(stream);
        if (failure) throw failure;
        return { path: file };
      },
      async discard() {
        // An attachment already ended has a closed stream: "close" will not come again.
        if (!stream.closed) {
          const closed = once(stream, "close").catch(() => undefined);
          stream.destroy();
          await closed;
        }
        await rm(file, { force: true });
      },
    };
  },
});
