import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsFileStore, createMemoryFileStore } from "../../../core/files/file-store.ts";
import { contract } from "./file-store-contract.ts";

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
const content = new TextEncoder().encode("Công văn số 45/STC-NS");

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

  // Race test on the file system (no database): the puts overlap on the event loop's I/O, on any machine.
  it("keeps concurrent puts of the same content consistent", async () => {
    const store = createFsFileStore(dir);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(content)));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    expect(listFiles(dir)).toHaveLength(1);
    expect(await store.readBytes(results[0]!.sha256)).toEqual(content);
  });
});
