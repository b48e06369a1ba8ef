import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsFileStore, createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { FileStore } from "../../../core/files/file-store.ts";
import { isDomainError } from "../../../core/errors.ts";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
const collect = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
};
const expectNotFound = async (promise: Promise<unknown>) => {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(isDomainError(err) && err.code).toBe("FILE_NOT_FOUND");
};

const content = new TextEncoder().encode("Công văn số 45/STC-NS");

const contract = (name: string, make: () => FileStore) => {
  describe(`${name}: FileStore contract`, () => {
    it("stores bytes under their SHA-256 and reads them back as bytes and as a stream", async () => {
      const store = make();
      const stored = await store.put(content);
      expect(stored).toEqual({ sha256: sha(content), size: content.byteLength });
      expect(await store.has(stored.sha256)).toBe(true);
      expect(await store.readBytes(stored.sha256)).toEqual(content);
      expect(await collect(await store.read(stored.sha256))).toEqual(content);
    });

    it("hashes a chunked stream exactly like the same bytes", async () => {
      const store = make();
      const chunks = [content.subarray(0, 5), content.subarray(5, 11), content.subarray(11)].map((c) => Buffer.from(c));
      const stored = await store.put(Readable.from(chunks));
      expect(stored.sha256).toBe(sha(content));
      expect(stored.size).toBe(content.byteLength);
    });

    it("reports unknown and malformed addresses as absent", async () => {
      const store = make();
      expect(await store.has(sha(content))).toBe(false);
      expect(await store.has("../../etc/passwd")).toBe(false);
      await expectNotFound(store.readBytes(sha(content)));
      await expectNotFound(store.read("../../etc/passwd"));
    });

    it("deletes content", async () => {
      const store = make();
      const { sha256 } = await store.put(content);
      expect(await store.delete(sha256)).toBe(true);
      expect(await store.has(sha256)).toBe(false);
      expect(await store.delete(sha256)).toBe(false);
    });
  });
};

contract("fs", () => createFsFileStore(mkdtempSync(join(tmpdir(), "edoc-fs-contract-"))));
contract("memory", () => createMemoryFileStore());

describe("createFsFileStore", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "edoc-fs-store-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lays content out as ab/cd/<sha256> and stores the same content once", async () => {
    const store = createFsFileStore(dir);
    const first = await store.put(content);
    const second = await store.put(Readable.from([Buffer.from(content)]));
    expect(second).toEqual(first);
    const h = first.sha256;
    expect(listFiles(dir)).toEqual([join(h.slice(0, 2), h.slice(2, 4), h)]);
  });

  it("leaves nothing under a real name when the source stream fails midway", async () => {
    const store = createFsFileStore(dir);
    const failing = (async function* () {
      yield Buffer.from("first half of a scan");
      throw new Error("connection reset");
    })();
    await expect(store.put(failing)).rejects.toThrow("connection reset");
    expect(listFiles(dir)).toEqual([]);
  });

  it("keeps concurrent puts of the same content consistent", async () => {
    const store = createFsFileStore(dir);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(content)));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    expect(listFiles(dir)).toHaveLength(1);
    expect(await store.readBytes(results[0]!.sha256)).toEqual(content);
  });
});
