// The arrival check gives the same verdict for a file in memory (Telegram, Zalo) and for the same file
// on disk (a web-chat upload, checked by reading its structure by offset, read whole only when needed).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isDomainError } from "../../../core/errors.ts";
import { checkArrivedFile } from "../../../core/pdf/check-arrival.ts";
import { BAD_DIR, FIXTURES_DIR, generateLargeFixture, makeTextPdf } from "../../fixtures/generate-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "edoc-arrival-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const deps = { settings: { maxUploadBytes: 50 * 1024 * 1024 } } as Parameters<typeof checkArrivedFile>[0];

const verdict = (run: Promise<unknown>) =>
  run.then(
    (ok) => ok,
    (err: unknown) => (isDomainError(err) ? err.code : `not a DomainError: ${String(err)}`),
  );

describe("checkArrivedFile", () => {
  const cases: [string, () => Promise<Uint8Array>][] = [
    ["sample-2-pages.pdf", async () => new Uint8Array(readFileSync(join(FIXTURES_DIR, "sample-2-pages.pdf")))],
    ["a 3-page text PDF", () => makeTextPdf(3)],
    ["a 2,000-page PDF", async () => new Uint8Array(readFileSync(await generateLargeFixture("two-thousand-pages.pdf")))],
    ...readdirSync(BAD_DIR)
      .filter((name) => name !== "README.md")
      .map((name) => [`bad/${name}`, async () => new Uint8Array(readFileSync(join(BAD_DIR, name)))] as [string, () => Promise<Uint8Array>]),
  ];
  for (const [name, load] of cases) {
    it(`gives ${name} the same verdict in memory and on disk`, async () => {
      const bytes = await load();
      const path = join(dir, name.replace(/\W+/g, "-"));
      writeFileSync(path, bytes);
      const inMemory = await verdict(checkArrivedFile(deps, { bytes, fileName: name }));
      const onDisk = await verdict(checkArrivedFile(deps, { path, size: bytes.byteLength, fileName: name }));
      expect(onDisk).toEqual(inMemory);
    });
  }

  it("refuses by size before reading a file on disk", async () => {
    const err = await checkArrivedFile(deps, { path: join(dir, "does-not-exist.pdf"), size: 60 * 1024 * 1024 }).catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe("FILE_TOO_LARGE");
  });
});
