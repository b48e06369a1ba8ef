import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readImageHeader, sniffFileType } from "../../../core/files/sniff-file-type.ts";
import { BAD_DIR, FIXTURES_DIR } from "../../fixtures/generate-fixtures.ts";

const fixture = (...p: string[]) => new Uint8Array(readFileSync(join(...p)));

describe("sniffFileType", () => {
  it.each([
    [BAD_DIR, "html-named.pdf", "html"],
    [BAD_DIR, "zip-named.pdf", "zip"],
    [BAD_DIR, "photo-named.pdf", "jpeg"],
    [BAD_DIR, "image-bomb-50000.png", "png"],
    [BAD_DIR, "empty.pdf", "unknown"],
    [FIXTURES_DIR, "sample-2-pages.pdf", "pdf"],
  ])("%s/%s is %s, whatever its name says", (dir, name, kind) => {
    expect(sniffFileType(fixture(dir, name))).toBe(kind);
  });

  it("accepts a PDF header after leading junk within the first 1 KB, not later", () => {
    const pdf = fixture(FIXTURES_DIR, "sample-2-pages.pdf");
    const withJunk = (n: number) => new Uint8Array(Buffer.concat([Buffer.alloc(n, 0x0a), pdf]));
    expect(sniffFileType(withJunk(100))).toBe("pdf");
    expect(sniffFileType(withJunk(5000))).toBe("unknown");
  });
});

describe("readImageHeader", () => {
  it("reads the claimed size of a PNG without decoding it", () => {
    expect(readImageHeader(fixture(BAD_DIR, "image-bomb-50000.png"), "png")).toEqual({ width: 50_000, height: 50_000 });
  });

  it("reads the stored (unrotated) size of a JPEG from its frame header", () => {
    expect(readImageHeader(fixture(FIXTURES_DIR, "photo-exif-rotated.jpg"), "jpeg")).toEqual({ width: 400, height: 300 });
  });

  it("returns null for a header that is cut off", () => {
    expect(readImageHeader(fixture(FIXTURES_DIR, "photo-exif-rotated.jpg").subarray(0, 30), "jpeg")).toBeNull();
    expect(readImageHeader(fixture(BAD_DIR, "image-bomb-50000.png").subarray(0, 20), "png")).toBeNull();
  });
});
