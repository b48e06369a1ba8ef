// `edoc document complete` as the văn thư runs it on the office's machine: a secret incoming document
// registered from chat (số/ký hiệu, issuer, độ mật only) gets its trích yếu and details here.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, silentLogger, type CoreDeps } from "../../core/deps.ts";
import { createFsFileStore } from "../../core/files/file-store.ts";
import { openDatabase } from "../../core/store/client.ts";
import { createTestClock } from "../support/core.ts";
import { registerSample, setupExampleOrg } from "../support/workflow.ts";

let dataDir: string;
const env = () => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, LOG_LEVEL: "warn" });
const edoc = (args: string[], input?: string) =>
  spawnSync(process.execPath, ["bin/edoc.js", ...args], { env: env(), encoding: "utf8", timeout: 90_000, ...(input !== undefined ? { input } : {}) });
const SUBJECT = "Kế hoạch bảo vệ mục tiêu trọng yếu dịp Tết";

const withDb = async <T>(fn: (prisma: CoreDeps["prisma"]) => Promise<T>): Promise<T> => {
  const db = await openDatabase({ dataDir });
  try {
    return await fn(db.prisma);
  } finally {
    await db.close();
  }
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-document-cli-"));
  await withDb(async (prisma) => {
    const deps: CoreDeps = {
      prisma,
      logger: silentLogger,
      clock: createTestClock("2026-11-02T01:00:00Z"),
      files: createFsFileStore(path.join(dataDir, "files")),
      settings: DEFAULT_SETTINGS,
    };
    const org = await setupExampleOrg(deps);
    // As chat registers a secret document: no trích yếu, no date.
    await registerSample(deps, org, { codeNumber: "7", codeNotation: "BCA-A05", issuer: "Công an tỉnh", secrecy: "SECRET", subject: "", issuedDate: undefined });
    await registerSample(deps, org, {}); // D1, an ordinary document
  });
}, 120_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("edoc document complete", () => {
  it("enters the trích yếu from standard input and the other details; the audit log names the fields, not their values", async () => {
    const r = edoc(
      ["document", "complete", "M1/2026", "--as", "vanthu", "--subject", "-", "--date", "20/11/2026", "--type", "Kế hoạch", "--urgency", "thượng khẩn"],
      `${SUBJECT}\n`,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Secret document M1/2026: entered subject, issuedDate, docType, urgency.");
    await withDb(async (prisma) => {
      const doc = await prisma.document.findFirstOrThrow({
        where: { ref: "M1/2026" },
        select: { subject: true, issuedDate: true, docType: true, urgency: true, secrecy: true, searchText: true },
      });
      expect(doc).toMatchObject({ subject: SUBJECT, issuedDate: new Date("2026-11-20T00:00:00Z"), docType: "Kế hoạch", urgency: "VERY_URGENT", secrecy: "SECRET" });
      expect(doc.searchText).toContain("muc tieu trong yeu");
      const events = await prisma.auditEvent.findMany({ where: { type: "document.completed" }, select: { data: true } });
      expect(events).toEqual([{ data: { ref: "M1/2026", fields: ["subject", "issuedDate", "docType", "urgency"] } }]);
      expect(JSON.stringify(events)).not.toContain("mục tiêu");
    });
  }, 120_000);

  it("refuses an ordinary document, a person who is not the agency's clerk, and a command without a field, changing nothing", async () => {
    const ordinary = edoc(["document", "complete", "D1/2026", "--as", "vanthu", "--subject", "Khác"]);
    expect(ordinary.status).toBe(1);
    expect(ordinary.stderr).toContain("Văn bản D1/2026 không phải văn bản mật");
    const notClerk = edoc(["document", "complete", "M1/2026", "--as", "tp.tckh", "--subject", "Khác"]);
    expect(notClerk.status).toBe(1);
    expect(notClerk.stderr).toContain("Bạn không có quyền thực hiện thao tác này.");
    const nothing = edoc(["document", "complete", "M1/2026", "--as", "vanthu"]);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toContain("give at least one field");
    const usage = edoc(["document", "complete", "M1/2026"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("edoc document complete REF --as USER");
    await withDb(async (prisma) => {
      expect((await prisma.document.findFirstOrThrow({ where: { ref: "D1/2026" }, select: { subject: true } })).subject).toBe("V/v hướng dẫn lập dự toán ngân sách năm 2027");
    });
  }, 120_000);
});
