// Content-addressed file storage: a file's name is the SHA-256 of its bytes, so the same content is
// stored once and a name always means the same bytes.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DomainError } from "../errors.ts";

/** What `put` reports: the content's address and its size in bytes. */
export type StoredFile = {
  /** Lowercase hex SHA-256 of the content: the file's address in the store. */
  sha256: string;
  /** Size in bytes. */
  size: number;
};

/** Content to store: bytes, or a stream of byte chunks (a Node `Readable`, a web `ReadableStream`, …). */
export type FileContent = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * The file-store port. Implemented on the local filesystem by `createFsFileStore`, in the database by
 * `createDbFileStore` (db-file-store.ts) and in an S3-compatible bucket by `createS3FileStore`
 * (s3-file-store.ts).
 */
export type FileStore = {
  /**
   * Stores the content and returns its address. Storing content that is already there changes nothing
   * and returns the same address. A crash mid-write never leaves a partial file under a real address.
   */
  put(content: FileContent): Promise<StoredFile>;
  /** Whether content with this address is stored. An address that is not 64 hex digits is never stored. */
  has(sha256: string): Promise<boolean>;
  /** Streams the content. Throws `DomainError("FILE_NOT_FOUND")` when the address is not stored. */
  read(sha256: string): Promise<Readable>;
  /** Reads the whole content into memory. Throws `DomainError("FILE_NOT_FOUND")` when not stored. */
  readBytes(sha256: string): Promise<Uint8Array>;
  /** Removes the content (e.g. a recalled document, DOMAIN.md §1). Returns whether it was there. */
  delete(sha256: string): Promise<boolean>;
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks an address before it is turned into a path, so no input can reach outside the store. */
export const isSha256Hex = (value: string): boolean => SHA256_HEX.test(value);

const notFound = (sha256: string) => new DomainError("FILE_NOT_FOUND", "intake.fileNotFound", { sha256 });

const chunksOf = async function* (content: FileContent): AsyncIterable<Uint8Array> {
  if (content instanceof Uint8Array) yield content;
  else yield* content;
};

/**
 * A `FileStore` on the local filesystem. Content lives at `dir/ab/cd/abcd…` (two levels of fan-out keep
 * directories small). `put` streams into `dir/.tmp/<random>` while hashing, fsyncs, then renames onto the
 * final address: rename within one filesystem is atomic, so readers see either nothing or the whole file.
 * Leftovers in `.tmp` after a crash are harmless and can be deleted at any time.
 */
export const createFsFileStore = (dir: string): FileStore => {
  const tmpDir = join(dir, ".tmp");
  const pathOf = (sha256: string) => join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

  const has = async (sha256: string): Promise<boolean> => {
    if (!isSha256Hex(sha256)) return false;
    try {
      return (await stat(pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  };

  return {
    async put(content) {
      await mkdir(tmpDir, { recursive: true });
      const tmpPath = join(tmpDir, `${randomUUID()}.part`);
      const hash = createHash("sha256");
      let size = 0;
      const handle = await open(tmpPath, "wx");
      try {
        try {
          for await (const chunk of chunksOf(content)) {
            hash.update(chunk);
            size += chunk.byteLength;
            await handle.write(chunk);
          }
          await handle.sync();
        } finally {
          await handle.close();
        }
        const sha256 = hash.digest("hex");
        const finalPath = pathOf(sha256);
        if (await has(sha256)) {
          await rm(tmpPath, { force: true });
        } else {
          await mkdir(join(dir, sha256.slice(0, 2), sha256.slice(2, 4)), { recursive: true });
          // Two concurrent puts of the same content both rename onto the same name: the second
          // replaces identical bytes, which is harmless.
          await rename(tmpPath, finalPath);
        }
        return { sha256, size };
      } catch (err) {
        await rm(tmpPath, { force: true });
        throw err;
      }
    },

    has,

    async read(sha256) {
      if (!(await has(sha256))) throw notFound(sha256);
      const stream = createReadStream(pathOf(sha256));
      // Surface a file removed between `has` and open as FILE_NOT_FOUND rather than an ENOENT stream error.
      await new Promise<void>((resolve, reject) => {
        stream.once("open", () => resolve());
        stream.once("error", (err) => reject((err as NodeJS.ErrnoException).code === "ENOENT" ? notFound(sha256) : err));
      });
      return stream;
    },

    async readBytes(sha256) {
      if (!isSha256Hex(sha256)) throw notFound(sha256);
      try {
        return new Uint8Array(await readFile(pathOf(sha256)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") throw notFound(sha256);
        throw err;
      }
    },

    async delete(sha256) {
      if (!(await has(sha256))) return false;
      await rm(pathOf(sha256), { force: true });
      return true;
    },
  };
};

/**
 * An in-memory `FileStore` with the same behaviour, for tests and for tools that must not touch disk.
 */
export const createMemoryFileStore = (): FileStore & { size(): number } => {
  const files = new Map<string, Uint8Array>();
  return {
    async put(content) {
      const hash = createHash("sha256");
      const chunks: Uint8Array[] = [];
      for await (const chunk of chunksOf(content)) {
        hash.update(chunk);
        chunks.push(chunk);
      }
      const bytes = new Uint8Array(Buffer.concat(chunks));
      const sha256 = hash.digest("hex");
      if (!files.has(sha256)) files.set(sha256, bytes);
      return { sha256, size: bytes.byteLength };
    },
    async has(sha256) {
      return files.has(sha256);
    },
    async read(sha256) {
      const bytes = files.get(sha256);
      if (!bytes) throw notFound(sha256);
      return Readable.from([Buffer.from(bytes)]);
    },
    async readBytes(sha256) {
      const bytes = files.get(sha256);
      if (!bytes) throw notFound(sha256);
      return bytes.slice();
    },
    async delete(sha256) {
      return files.delete(sha256);
    },
    size: () => files.size,
  };
};
