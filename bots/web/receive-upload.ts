// Receives a web-chat upload (multipart/form-data) without holding it in memory: a streaming
// parser (@fastify/busboy) writes each file to its own temporary file as the bytes arrive, counting
// them, and stops at the first byte over the limit (issue 20: six 49 MB uploads used to take ~1.1 GB).
// Also the gate that bounds how many uploads are received at once, per person and overall.
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Busboy } from "@fastify/busboy";
import { BodyTooLargeError } from "./http.ts";

/** The multipart body could not be parsed, or broke a limit other than the size. */
export class MalformedUploadError extends Error {
  constructor(readonly reason: string) {
    super(`malformed upload: ${reason}`);
    this.name = "MalformedUploadError";
  }
}

export type ReceivedFile = { path: string; fileName: string; mime: string; size: number };

/**
 * The upload passed the size limit. Carries what was read before the refusal (the text fields, the
 * files begun), so the refusal can be told in the conversation, where it stays.
 */
export class UploadTooLargeError extends BodyTooLargeError {
  constructor(
    limit: number,
    readonly fields: Record<string, string>,
    /** The files begun, with the bytes received of each before the refusal. */
    readonly files: { name: string; received: number }[],
  ) {
    super(limit);
    this.name = "UploadTooLargeError";
  }
}

export type ReceivedUpload = {
  /** The first value of each text field. */
  fields: Record<string, string>;
  files: ReceivedFile[];
  /** Deletes the temporary files (call it in a `finally`). */
  dispose(): Promise<void>;
};

export type UploadLimits = {
  /** Where the temporary files go (a directory per upload inside it). */
  dir: string;
  /** All files together, in bytes. */
  maxBytes: number;
  maxFiles: number;
  /** One text field, in bytes. */
  maxFieldBytes: number;
};

/**
 * Streams the files of `req` into temporary files under `limits.dir`. Refuses a declared
 * Content-Length over the limit before reading, and any upload the moment its files pass
 * `maxBytes` (UploadTooLargeError); anything it cannot parse → MalformedUploadError. Whatever it
 * refuses, it leaves no file behind.
 */
export const receiveUpload = async (req: IncomingMessage, limits: UploadLimits): Promise<ReceivedUpload> => {
  const slack = limits.maxFieldBytes * 4 + 64 * 1024;
  const declared = Number(req.headers["content-length"] ?? "0");
  if (Number.isFinite(declared) && declared > limits.maxBytes + slack) throw new UploadTooLargeError(limits.maxBytes, {}, []);
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({
      headers: req.headers as Parameters<typeof Busboy>[0]["headers"],
      limits: { files: limits.maxFiles, fields: 16, parts: limits.maxFiles + 16, fieldSize: limits.maxFieldBytes, headerPairs: 16 },
    });
  } catch (err) {
    throw new MalformedUploadError(err instanceof Error ? err.message : String(err));
  }
  await mkdir(limits.dir, { recursive: true });
  const dir = await mkdtemp(path.join(limits.dir, "upload-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  const files: ReceivedFile[] = [];
  const writes: Promise<void>[] = [];
  /** File parts still being written: a refusal ends them, so every write settles and its file can go. */
  const open = new Set<Readable>();
  let total = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        req.unpipe(parser);
        parser.removeAllListeners("file");
        for (const stream of open) stream.destroy(err);
        reject(err);
      };
      parser.on("file", (_field, stream, fileName, _encoding, mime) => {
        if (failed) {
          stream.resume();
          return;
        }
        const file: ReceivedFile = { path: path.join(dir, String(files.length)), fileName: String(fileName ?? "").slice(0, 255), mime: String(mime ?? ""), size: 0 };
        files.push(file);
        const count = new Transform({
          transform(chunk: Buffer, _enc, done) {
            total += chunk.byteLength;
            file.size += chunk.byteLength;
            if (total > limits.maxBytes) done(new BodyTooLargeError(limits.maxBytes));
            else done(null, chunk);
          },
        });
        open.add(stream);
        const write = pipeline(stream, count, createWriteStream(file.path, { flags: "wx" })).finally(() => open.delete(stream));
        write.catch((err: unknown) => {
          stream.resume();
          fail(err instanceof Error ? err : new Error(String(err)));
        });
        writes.push(write.catch(() => {}));
      });
      parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
        if (valueTruncated) return fail(new MalformedUploadError(`field ${name} is too long`));
        if (!(name in fields)) fields[name] = value;
      });
      parser.on("filesLimit", () => fail(new MalformedUploadError("too many files")));
      parser.on("fieldsLimit", () => fail(new MalformedUploadError("too many fields")));
      parser.on("partsLimit", () => fail(new MalformedUploadError("too many parts")));
      parser.on("error", (err) => fail(new MalformedUploadError(err instanceof Error ? err.message : String(err))));
      parser.on("finish", () => {
        void Promise.all(writes).then(() => {
          if (!failed) resolve();
        });
      });
      req.on("close", () => {
        if (!req.complete) fail(new MalformedUploadError("the client went away"));
      });
      req.on("error", (err) => fail(new MalformedUploadError(`the client went away (${err.message})`)));
      req.pipe(parser);
    });
    // Every write has settled (or the refusal came first: wait for them before deleting).
    await Promise.all(writes);
    return { fields, files, dispose };
  } catch (err) {
    await Promise.all(writes);
    await dispose();
    if (err instanceof BodyTooLargeError)
      throw new UploadTooLargeError(
        limits.maxBytes,
        fields,
        files.map((f) => ({ name: f.fileName, received: f.size })),
      );
    throw err;
  }
};

export type UploadGate = {
  /** Takes a slot for `userId`; false when they or everyone together already use all of theirs. */
  tryEnter(userId: string): boolean;
  leave(userId: string): void;
  /** Uploads in progress (for tests and metrics). */
  active(): number;
};

/** At most `perUser` uploads at once per person and `overall` in this process. */
export const createUploadGate = ({ perUser, overall }: { perUser: number; overall: number }): UploadGate => {
  const byUser = new Map<string, number>();
  let all = 0;
  return {
    tryEnter: (userId) => {
      const mine = byUser.get(userId) ?? 0;
      if (mine >= perUser || all >= overall) return false;
      byUser.set(userId, mine + 1);
      all += 1;
      return true;
    },
    leave: (userId) => {
      const mine = (byUser.get(userId) ?? 1) - 1;
      if (mine <= 0) byUser.delete(userId);
      else byUser.set(userId, mine);
      all = Math.max(0, all - 1);
    },
    active: () => all,
  };
};
