// The FileStore contract: every implementation (local directory, memory, database) must pass it.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { FileStore } from "../../../core/files/file-store.ts";
import { isDomainError } from "../../../core/errors.ts";

export const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
export const collect = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
};
const expectNotFound = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isDomainError(err) && err.code).toBe("FILE_NOT_FOUND");
};

const content = new TextEncoder().encode("Công văn số 45/STC-NS");

export const contract = (name: string, make: () => FileStore | Promise<FileStore>, { big = true }: { big?: boolean } = {}) => {
  describe(`${name}: FileStore contract`, () => {
    it("stores bytes under their SHA-256 and reads them back as bytes and as a stream", async () => {
      const store = await make();
      const stored = await store.put(content);
      expect(stored).toEqual({ sha256: sha(content), size: content.byteLength });
      expect(await store.has(stored.sha256)).toBe(true);
      expect(await store.readBytes(stored.sha256)).toEqual(content);
      expect(await collect(await store.read(stored.sha256))).toEqual(content);
    });

    it("hashes a chunked stream exactly like the same bytes", async () => {
      const store = await make();
      const chunks = [content.subarray(0, 5), content.subarray(5, 11), content.subarray(11)].map((c) => Buffer.from(c));
      const stored = await store.put(Readable.from(chunks));
      expect(stored.sha256).toBe(sha(content));
      expect(stored.size).toBe(content.byteLength);
    });

    // Not registered at all for a variant that cannot afford it (7-byte chunks: half a million rows), so
    // no run reports it as skipped.
    if (big)
      it("round-trips content of several megabytes streamed in uneven pieces, and empty content", async () => {
        const store = await make();
        const big = new Uint8Array(3 * 1024 * 1024 + 12_345).map((_, i) => (i * 7919) % 251);
        const pieces = (function* () {
          for (let at = 0; at < big.byteLength; at += 65_521) yield Buffer.from(big.subarray(at, at + 65_521));
        })();
        const stored = await store.put(Readable.from(pieces));
        expect(stored).toEqual({ sha256: sha(big), size: big.byteLength });
        expect(sha(await collect(await store.read(stored.sha256)))).toBe(sha(big));
        expect(sha(await store.readBytes(stored.sha256))).toBe(sha(big));
        const empty = await store.put(new Uint8Array(0));
        expect(empty.size).toBe(0);
        expect(await store.readBytes(empty.sha256)).toEqual(new Uint8Array(0));
      });

    it("reports unknown and malformed addresses as absent", async () => {
      const store = await make();
      expect(await store.has(sha(content))).toBe(false);
      expect(await store.has("../../etc/passwd")).toBe(false);
      await expectNotFound(store.readBytes(sha(content)));
      await expectNotFound(store.read("../../etc/passwd"));
    });

    it("deletes content", async () => {
      const store = await make();
      const { sha256 } = await store.put(content);
      expect(await store.delete(sha256)).toBe(true);
      expect(await store.has(sha256)).toBe(false);
      expect(await store.delete(sha256)).toBe(false);
    });
  });
};
