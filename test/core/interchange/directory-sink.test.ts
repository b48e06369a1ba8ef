import { createReadStream } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildEdxmlPackage, createDirectorySink, EdxmlError, parseEdxmlPackage } from "../../../core/interchange/edxml.ts";
import { inPieces } from "../../support/edxml-fixtures.ts";

const pdf = Buffer.concat([Buffer.from("%PDF-1.5\n"), Buffer.alloc(300_000, 0x41)]);
const header = {
  from: { organId: "A" },
  to: [{ organId: "B" }],
  code: { codeNumber: "1", codeNotation: "X" },
  promulgationInfo: { promulgationDate: "2027-01-01" },
  subject: "s",
  toPlaces: [],
};

describe("createDirectorySink", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "edxml-sink-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes each attachment to its own file", async () => {
    const bytes = buildEdxmlPackage({
      header,
      attachments: [
        { contentType: "application/pdf", name: "a.pdf", bytes: pdf },
        { contentType: "text/plain", name: "b.txt", bytes: Buffer.from("ghi chú") },
      ],
    });
    const parsed = await parseEdxmlPackage(inPieces(bytes, 10_000), { sink: createDirectorySink(dir), maxAttachmentBytes: 1_000_000 });
    expect((await readFile(parsed.attachments[0]!.stored.path)).equals(pdf)).toBe(true);
    expect(await readFile(parsed.attachments[1]!.stored.path, "utf8")).toBe("ghi chú");
    expect((await readdir(dir)).sort()).toEqual(["attachment-0.bin", "attachment-1.bin"]);
  });

  it("reads a package from a Node Readable (a file stream) into files", async () => {
    const source = path.join(dir, "package.xml");
    await writeFile(source, buildEdxmlPackage({ header, attachments: [{ contentType: "application/pdf", name: "a.pdf", bytes: pdf }] }));
    const parsed = await parseEdxmlPackage(createReadStream(source, { highWaterMark: 4096 }), { sink: createDirectorySink(path.join(dir, "out")), maxAttachmentBytes: 1_000_000 });
    expect((await readFile(parsed.attachments[0]!.stored.path)).equals(pdf)).toBe(true);
  });

  it("leaves no file behind when the package is refused after its first attachment", async () => {
    const bytes = buildEdxmlPackage({
      header,
      attachments: [
        { contentType: "application/pdf", name: "a.pdf", bytes: pdf },
        { contentType: "image/png", name: "b.png", bytes: pdf },
      ],
    });
    const err = await parseEdxmlPackage(inPieces(bytes, 10_000), { sink: createDirectorySink(dir), maxAttachmentBytes: 1_000_000 }).catch((e: unknown) => e);
    expect((err as EdxmlError).code).toBe("type_mismatch");
    expect(await readdir(dir)).toEqual([]);
  });
});
