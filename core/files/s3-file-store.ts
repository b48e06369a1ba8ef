// The file store in an S3-compatible object store (issue 20): for large deployments, files live in a
// bucket (AWS S3, MinIO, Ceph, a cloud provider's object storage) that every process reaches, instead
// of in PostgreSQL. Content-addressed like the other stores: an object's key is the SHA-256 of its
// bytes. The AWS SDK is loaded only when this store is opened (FILE_STORE=s3), so other deployments
// pay nothing for it.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { DomainError } from "../errors.ts";
import { isSha256Hex, type FileContent, type FileStore } from "./file-store.ts";

export type S3FileStoreOptions = {
  /** The service's address, e.g. `https://s3.example.gov.vn` or `http://127.0.0.1:9000`; unset → AWS S3 of `region`. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Address buckets as `endpoint/bucket/key` (MinIO and most S3-compatible stores) rather than `bucket.endpoint/key`. */
  forcePathStyle: boolean;
  /** Where a streamed upload is spooled while its SHA-256 (its key) is computed. @defaultValue the OS temporary directory */
  tmpDir?: string;
  /** Tries per request, the first included (the SDK's retry with backoff). @defaultValue 3 */
  maxAttempts?: number;
};

/**
 * The object store failed or could not be reached. The message names the operation, the bucket and
 * the endpoint, and what to check; the SDK's error is the `cause`.
 */
export class S3FileStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "S3FileStoreError";
  }
}

const notFound = (sha256: string) => new DomainError("FILE_NOT_FOUND", "intake.fileNotFound", { sha256 });

type SdkError = { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
const statusOf = (err: unknown): number | undefined => (err as SdkError)?.$metadata?.httpStatusCode;
const isMissing = (err: unknown): boolean => {
  const e = err as SdkError;
  // A HEAD answer has no body, so a missing key reads as NotFound; a missing bucket is a setup error.
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || (statusOf(err) === 404 && e?.name !== "NoSuchBucket");
};

/**
 * A `FileStore` in one bucket of an S3-compatible store, objects named by their SHA-256.
 *
 * - `put` of bytes hashes them and uploads them; `put` of a stream spools it to a temporary file while
 *   hashing (the key is known only at the end, and S3 has no rename), then uploads that file as a
 *   stream with its length. Content already stored (a HEAD finds it) is not uploaded again. An upload
 *   is atomic in S3: a crash mid-way leaves no object under the key.
 * - `read` streams the object's body as it arrives; `has` is a HEAD; `delete` a HEAD and a DELETE
 *   (S3 answers a DELETE of a missing key with success, but the port reports whether it was there).
 *
 * Request checksums are sent only when S3 requires them: the SDK's default (a CRC trailer in
 * `aws-chunked` bodies) is refused by many S3-compatible stores.
 *
 * @example
 * const files = await createS3FileStore({ endpoint: "http://127.0.0.1:9000", bucket: "edoc", region: "us-east-1", accessKeyId, secretAccessKey, forcePathStyle: true });
 */
export const createS3FileStore = async (options: S3FileStoreOptions): Promise<FileStore & { close(): void }> => {
  // Loaded here, not at the top: FILE_STORE=database or local never loads the SDK.
  const { S3Client, HeadObjectCommand, GetObjectCommand, PutObjectCommand, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
  const client: S3Client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    forcePathStyle: options.forcePathStyle,
    maxAttempts: options.maxAttempts ?? 3,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
  const { bucket } = options;
  const where = `bucket "${bucket}" at ${options.endpoint ?? `AWS S3 (${options.region})`}`;
  const tmpDir = options.tmpDir ?? tmpdir();

  /** Turns any failure but a missing object into an S3FileStoreError naming what was being done. */
  const failure = (what: string, key: string, err: unknown): S3FileStoreError => {
    const status = statusOf(err);
    const e = err as SdkError;
    const detail = status
      ? `${e.name ?? "error"} (HTTP ${status})${e.message && e.message !== e.name && e.message !== "UnknownError" ? `: ${e.message}` : ""}`
      : (e?.message ?? String(err)) + (e?.code ? ` (${e.code})` : "");
    const hint =
      status === 403 ? "Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY." : status ? "Check S3_BUCKET and the store's logs." : "Check S3_ENDPOINT and that the store is running.";
    return new S3FileStoreError(`S3 file store: ${what} ${key} in ${where} failed: ${detail}. ${hint}`, { cause: err });
  };

  const has = async (sha256: string): Promise<boolean> => {
    if (!isSha256Hex(sha256)) return false;
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: sha256 }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw failure("HEAD", sha256, err);
    }
  };

  const upload = async (sha256: string, size: number, body: Uint8Array | Readable): Promise<void> => {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: sha256, Body: body, ContentLength: size, ContentType: "application/octet-stream" }));
    } catch (err) {
      throw failure("PUT", sha256, err);
    }
  };

  const get = async (sha256: string) => {
    if (!isSha256Hex(sha256)) throw notFound(sha256);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: sha256 }));
      if (!out.Body) throw notFound(sha256);
      return out.Body;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if (isMissing(err)) throw notFound(sha256);
      throw failure("GET", sha256, err);
    }
  };

  return {
    async put(content: FileContent) {
      if (content instanceof Uint8Array) {
        const sha256 = createHash("sha256").update(content).digest("hex");
        if (!(await has(sha256))) await upload(sha256, content.byteLength, content);
        return { sha256, size: content.byteLength };
      }
      await mkdir(tmpDir, { recursive: true });
      const tmpPath = join(tmpDir, `edoc-s3-${randomUUID()}.part`);
      try {
        const hash = createHash("sha256");
        let size = 0;
        const handle = await open(tmpPath, "wx");
        try {
          for await (const chunk of content) {
            hash.update(chunk);
            size += chunk.byteLength;
            await handle.write(chunk);
          }
        } finally {
          await handle.close();
        }
        const sha256 = hash.digest("hex");
        if (!(await has(sha256))) await upload(sha256, size, createReadStream(tmpPath));
        return { sha256, size };
      } finally {
        await rm(tmpPath, { force: true });
      }
    },

    has,

    async read(sha256) {
      return (await get(sha256)) as Readable;
    },

    async readBytes(sha256) {
      const body = await get(sha256);
      try {
        return await body.transformToByteArray();
      } catch (err) {
        throw failure("GET", sha256, err);
      }
    },

    async delete(sha256) {
      if (!(await has(sha256))) return false;
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: sha256 }));
      } catch (err) {
        throw failure("DELETE", sha256, err);
      }
      return true;
    },

    close: () => client.destroy(),
  };
};
