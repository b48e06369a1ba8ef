// The S3-compatible file store (issue 20): the real `@aws-sdk/client-s3` client against a fake S3
// server on 127.0.0.1 (test/support/fake-s3-server.ts). The FileStore contract, idempotent puts, a
// missing object, a store that is down or refuses the keys, and the FILE_STORE=s3 configuration.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../app/config.ts";
import { isDomainError } from "../../../core/errors.ts";
import { createS3FileStore, S3FileStoreError, type S3FileStoreOptions } from "../../../core/files/s3-file-store.ts";
import { startFakeS3Server, type FakeS3Server } from "../../support/fake-s3-server.ts";
import { collect, contract, sha } from "./file-store-contract.ts";

const KEY_ID = "AKIAEDOCTEST0000";
const SECRET = "edoc-test-secret-key-0000000000000000";
let s3: FakeS3Server;
let spool: string;
beforeAll(async () => {
  s3 = await startFakeS3Server({ buckets: ["edoc"], accessKeyId: KEY_ID });
  spool = await mkdtemp(join(tmpdir(), "edoc-s3-spool-"));
});
afterAll(async () => {
  await s3?.close();
  if (spool) await rm(spool, { recursive: true, force: true });
});

const options = (over: Partial<S3FileStoreOptions> = {}): S3FileStoreOptions => ({
  endpoint: s3.endpoint,
  bucket: "edoc",
  region: "us-east-1",
  accessKeyId: KEY_ID,
  secretAccessKey: SECRET,
  forcePathStyle: true,
  tmpDir: spool,
  ...over,
});
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const content = new TextEncoder().encode("Kế hoạch số 45/KH-UBND triển khai văn phòng điện tử");

/** Each test of the contract starts from an empty bucket. */
contract("s3", async () => {
  s3.objects.clear();
  return createS3FileStore(options());
});

describe("createS3FileStore", () => {
  it("stores an object under its SHA-256 in the bucket, signed with the access key", async () => {
    const store = await createS3FileStore(options());
    const from = s3.requests.length;
    const { sha256 } = await store.put(content);
    expect(s3.objects.get(`edoc/${sha256}`)).toEqual(Buffer.from(content));
    expect(await store.readBytes(sha256)).toEqual(content);
    const mine = s3.requests.slice(from);
    expect(mine.map((r) => `${r.method} ${r.status}`)).toEqual(["HEAD 404", "PUT 200", "GET 200"]);
  });

  it("a put of content already stored uploads nothing, from bytes or from a stream", async () => {
    const store = await createS3FileStore(options());
    const bytes = new TextEncoder().encode(`Công văn ${Math.random()}`);
    const first = await store.put(bytes);
    const from = s3.requests.length;
    const again = await store.put(bytes);
    const streamed = await store.put(Readable.from([Buffer.from(bytes.subarray(0, 4)), Buffer.from(bytes.subarray(4))]));
    expect(again).toEqual(first);
    expect(streamed).toEqual(first);
    expect(
      s3.requests
        .slice(from)
        .filter((r) => r.key === first.sha256)
        .map((r) => r.method),
    ).toEqual(["HEAD", "HEAD"]);
  });

  it("streams a put through a spool file it removes, and sends the body in one plain PUT", async () => {
    const store = await createS3FileStore(options());
    const big = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => (i * 31) % 256);
    const { sha256, size } = await store.put(Readable.from([Buffer.from(big.subarray(0, 1_000_000)), Buffer.from(big.subarray(1_000_000))]));
    expect(size).toBe(big.byteLength);
    expect(sha256).toBe(sha(big));
    expect(s3.requests.filter((r) => r.key === sha256 && r.method === "PUT")).toEqual([{ method: "PUT", bucket: "edoc", key: sha256, status: 200, bytes: big.byteLength }]);
    expect(await readdir(spool)).toEqual([]);
    expect(sha(await collect(await store.read(sha256)))).toBe(sha256);
  });

  it("a missing object is the store's FILE_NOT_FOUND, read as a stream or as bytes", async () => {
    const store = await createS3FileStore(options());
    const missing = sha(new TextEncoder().encode("never stored"));
    for (const op of [() => store.read(missing), () => store.readBytes(missing)]) {
      const err = await errorOf(op());
      expect(isDomainError(err) && err.code).toBe("FILE_NOT_FOUND");
    }
    expect(s3.requests.some((r) => r.key === missing && r.method === "GET" && r.status === 404)).toBe(true);
  });

  it("a store that is down: every operation fails with an error naming the endpoint and what to check", async () => {
    const down = await startFakeS3Server({ buckets: ["edoc"], accessKeyId: KEY_ID });
    const endpoint = down.endpoint;
    await down.close();
    const store = await createS3FileStore(options({ endpoint, maxAttempts: 2 }));
    const ops = [() => store.put(content), () => store.has(sha(content)), () => store.read(sha(content)), () => store.put(Readable.from([Buffer.from(content)]))];
    for (const op of ops) {
      const err = await errorOf(op());
      expect(err).toBeInstanceOf(S3FileStoreError);
      expect((err as Error).message).toContain(`bucket "edoc" at ${endpoint}`);
      expect((err as Error).message).toContain("ECONNREFUSED");
      expect((err as Error).message).toContain("Check S3_ENDPOINT");
    }
    expect(await readdir(spool)).toEqual([]);
  });

  it("wrong keys and a missing bucket fail with errors saying which setting to check", async () => {
    const wrongKey = await createS3FileStore(options({ accessKeyId: "AKIAWRONG0000000" }));
    const denied = await errorOf(wrongKey.put(content));
    expect(denied).toBeInstanceOf(S3FileStoreError);
    expect((denied as Error).message).toMatch(/HTTP 403.*Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
    const noBucket = await createS3FileStore(options({ bucket: "missing" }));
    const err = await errorOf(noBucket.readBytes(sha(content)));
    // GET on a bucket that does not exist is not a missing file: it is a configuration error.
    expect(isDomainError(err)).toBe(false);
    expect((err as Error).message).toMatch(/NoSuchBucket \(HTTP 404\).*Check S3_BUCKET/);
  });
});

describe("FILE_STORE=s3 configuration", () => {
  it("names each missing variable", () => {
    const err = (() => {
      try {
        loadConfig({ FILE_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9000" });
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      "S3_BUCKET is required when FILE_STORE=s3",
      "S3_ACCESS_KEY_ID is required when FILE_STORE=s3",
      "S3_SECRET_ACCESS_KEY is required when FILE_STORE=s3",
    ]);
  });

  it("reads the store's settings, path-style by default with an endpoint", () => {
    const base = { FILE_STORE: "s3", S3_BUCKET: "edoc", S3_ACCESS_KEY_ID: KEY_ID, S3_SECRET_ACCESS_KEY: SECRET };
    const withEndpoint = loadConfig({ ...base, S3_ENDPOINT: "http://minio:9000" });
    expect(withEndpoint).toMatchObject({ FILE_STORE: "s3", S3_ENDPOINT: "http://minio:9000", S3_BUCKET: "edoc", S3_REGION: "us-east-1" });
    expect(withEndpoint.S3_FORCE_PATH_STYLE).toBeUndefined();
    expect(loadConfig({ ...base, S3_REGION: "ap-southeast-1", S3_FORCE_PATH_STYLE: "false" })).toMatchObject({ S3_REGION: "ap-southeast-1", S3_FORCE_PATH_STYLE: false });
    expect(() => loadConfig({ ...base, S3_FORCE_PATH_STYLE: "yes" })).toThrow(/S3_FORCE_PATH_STYLE must be true or false/);
    expect(() => loadConfig({ ...base, S3_ENDPOINT: "not an address" })).toThrow(/S3_ENDPOINT/);
    // Not needed for the other stores.
    expect(loadConfig({ FILE_STORE: "local" }).FILE_STORE).toBe("local");
  });
});

describe("the AWS SDK is loaded only for FILE_STORE=s3", () => {
  it("a process that loads the service and opens another store has not loaded it; opening the S3 store does", async () => {
    // A fresh process: in this one the tests above have loaded the SDK already.
    const script = `
      import { createRequire } from "node:module";
      const cache = createRequire(import.meta.url)("node:module")._cache;
      const sdk = () => Object.keys(cache).filter((k) => k.includes("@aws-sdk/")).length;
      const { openFileStore } = await import("./app/context.ts");
      await import("./app/serve.ts");
      const { loadConfig } = await import("./app/config.ts");
      await openFileStore(loadConfig({ FILE_STORE: "local", DATA_DIR: process.env.DIR }), undefined);
      const before = sdk();
      await openFileStore(loadConfig({ FILE_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9", S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", DATA_DIR: process.env.DIR }), undefined);
      console.log(JSON.stringify({ before, after: sdk() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DIR: spool },
    });
    const { before, after } = JSON.parse(stdout.trim().split("\n").pop()!) as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
