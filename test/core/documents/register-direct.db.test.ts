// The registration's direct path (core/documents/register-direct.ts): a clerk's registration in one
// joined read (a second with a scan, for the same-file check) and one statement; the transactional
// path for the interchange's (options.inTransaction, which a test passes as a no-op to take it).
// Statements are recorded at the driver on PostgreSQL (every statement a pg client sends: Prisma's
// adapter's, BEGIN and COMMIT, the direct ones through the adapter's pool) and at Prisma on PGlite
// (one session: the direct statements go through Prisma's raw queries there).
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../../core/audit/verify-audit-chain.ts";
import { REGISTER_STATEMENTS } from "../../../core/documents/register-direct.ts";
import { findDuplicates, registerIncomingDocument, type RegisterIncomingInput, type RegisterIncomingOptions } from "../../../core/documents/register-incoming-document.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { Db } from "../../../core/store/client.ts";
import { directPoolOf } from "../../../core/store/direct-sql.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = (prisma: Db = db.prisma) => createTestDeps(prisma, { clock, files });
/** The transactional path, taken as the interchange takes it (with a step of its own, here none). */
const TRANSACTIONAL: RegisterIncomingOptions = { inTransaction: async () => {} };
const HOT_NAMES = new Map(Object.values(REGISTER_STATEMENTS).map((s) => [s.text, s.name]));

/**
 * Runs `fn` with the statements it sends recorded. PostgreSQL: every statement any pg client sends
 * (by its prepared statement's name when it has one, else "sql"). PGlite: every call through Prisma
 * (a raw statement by its hot name or "raw", a model operation as "Model.operation", a transaction
 * as "$transaction" and the calls inside it).
 */
const recording = async <T>(fn: (prisma: Db) => Promise<T>): Promise<{ result: T; sent: string[] }> => {
  const sent: string[] = [];
  if (directPoolOf(db.prisma) !== null) {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { name?: string };
      sent.push(typeof q === "object" && q.name ? q.name : "sql");
      return original.apply(this, args);
    };
    try {
      return { result: await fn(db.prisma), sent };
    } finally {
      proto.query = original;
    }
  }
  const wrap = <C extends object>(client: C): C =>
    new Proxy({} as C, {
      get(_, prop) {
        const value: unknown = Reflect.get(client, prop);
        if (prop === "$queryRawUnsafe" || prop === "$executeRawUnsafe") {
          return (text: string, ...params: unknown[]) => {
            sent.push(HOT_NAMES.get(text) ?? "raw");
            return (value as (...a: unknown[]) => unknown).call(client, text, ...params);
          };
        }
        if (prop === "$transaction") {
          return (body: (tx: object) => Promise<unknown>, ...rest: unknown[]) => {
            sent.push("$transaction");
            return (value as (...a: unknown[]) => unknown).call(client, (tx: object) => body(wrap(tx)), ...rest);
          };
        }
        if (typeof prop === "string" && value !== null && typeof value === "object" && typeof (value as { findMany?: unknown }).findMany === "function") {
          return new Proxy(value, {
            get(model, op) {
              const f: unknown = Reflect.get(model, op);
              if (typeof f !== "function") return f;
              return (...args: unknown[]) => {
                sent.push(`${prop}.${String(op)}`);
                return (f as (...a: unknown[]) => unknown).apply(model, args);
              };
            },
          });
        }
        return typeof value === "function" ? value.bind(client) : value;
      },
    });
  return { result: await fn(wrap(db.prisma)), sent };
};

/** Every row a registration wrote (and its answer), with ids replaced by who or what they are. */
const rowsOf = async (documentId: string, result: unknown, seeds: Record<string, string>) => {
  const names = new Map<string, string>([
    [documentId, "<document>"],
    [org.orgId, "<org>"],
    ...Object.entries(org.users).map(([code, id]) => [id, `<user ${code}>`] as [string, string]),
    ...Object.entries(seeds).map(([name, id]) => [id, `<${name}>`] as [string, string]),
  ]);
  const anon = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x)),
      (_k, x: unknown) => (typeof x === "string" ? [...names].reduce((s, [from, to]) => s.split(from).join(to), x) : x),
    );
  const document = await db.prisma.document.findUniqueOrThrow({ where: { id: documentId } });
  const stored = await db.prisma.storedFile.findMany({ where: { documentId }, orderBy: { kind: "asc" }, omit: { id: true } });
  const audit = await db.prisma.auditEvent.findMany({ where: { entityId: documentId }, orderBy: { seq: "asc" }, omit: { seq: true } });
  const outbox = await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { contains: documentId } }, orderBy: { seq: "asc" }, omit: { id: true, seq: true } });
  const counters = await db.prisma.registerCounter.findMany({ orderBy: [{ book: "asc" }, { year: "asc" }] });
  return anon({ result, document, stored, audit, outbox, counters });
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
});

describe("registerIncomingDocument's direct path", () => {
  it("writes exactly the rows the transactional path writes, and answers alike (a scan with both warnings; a secret document)", async () => {
    const pdf = await samplePdf();
    const scan = (): RegisterIncomingInput => ({
      actorUserId: org.users.vanthu!,
      docType: "Công văn",
      codeNumber: "45",
      codeNotation: "STC-NS",
      issuer: "Sở Tài chính tỉnh Bình Định",
      issuedDate: "2026-11-20",
      subject: "V/v  hướng dẫn lập   dự toán ngân sách năm 2027",
      urgency: "URGENT",
      signerName: "Trần Văn Bình",
      signerTitle: "Giám đốc",
      description: "Kèm phụ lục",
      toPlaces: "UBND các huyện",
      issuerOrganId: "000.00.15.H08",
      requestedDueDate: "2026-12-15",
      files: [{ bytes: pdf, fileName: "cv.pdf" }],
    });
    const secret = (): RegisterIncomingInput => ({ actorUserId: org.users.vanthu!, issuer: "Công an tỉnh", secrecy: "SECRET", subject: "", urgency: "FLASH" });
    // The same history twice (on a fresh organisation each time): an earlier scan of the same file,
    // an earlier document with the same issuer, number and date; then the registration, by either path.
    const scenario = async (input: () => RegisterIncomingInput, options: RegisterIncomingOptions) => {
      await db.truncate();
      org = await setupExampleOrg(deps());
      const seedFile = await registerSample(deps(), org, { codeNumber: "10", files: [{ bytes: pdf }] });
      const seedNumber = await registerSample(deps(), org, { issuer: "SỞ TÀI CHÍNH TỈNH BÌNH ĐỊNH" });
      clock.advance(60_000);
      const { result, sent } = await recording((prisma) => registerIncomingDocument(deps(prisma), input(), options));
      const rows = await rowsOf(result.documentId, result, { seedFile: seedFile.documentId, seedNumber: seedNumber.documentId });
      clock.set("2026-12-01T02:00:00Z");
      return { rows, hot: sent.filter((s) => s.startsWith("edoc_")) };
    };

    const direct = await scenario(scan, {});
    expect(direct.hot).toEqual([REGISTER_STATEMENTS.read.name, REGISTER_STATEMENTS.sameFile.name, REGISTER_STATEMENTS.write.name]);
    const transactional = await scenario(scan, TRANSACTIONAL);
    // The transactional path's duplicate check is the joined read's same-number check on its own.
    expect(transactional.hot).toEqual([REGISTER_STATEMENTS.sameNumber.name]);
    expect(direct.rows).toEqual(transactional.rows);
    // And what they are: D3, both warnings, the original and the stamped copy, the two events in
    // order, both leaders asked (by name), the register's counter at 3.
    expect(direct.rows).toMatchObject({
      result: {
        documentId: "<document>",
        ref: "D3/2026",
        displayRef: "D3",
        registerNumber: 3,
        pageCount: 2,
        warnings: [
          { kind: "sameFile", documentId: "<seedFile>", ref: "D1/2026" },
          { kind: "sameNumber", documentId: "<seedNumber>", ref: "D2/2026" },
        ],
        sentTo: ["Chủ tịch Nguyễn Văn An", expect.any(String)],
      },
      document: {
        ref: "D3/2026",
        registerBook: "IN",
        urgency: "URGENT",
        searchText: "d3/2026 v/v huong dan lap du toan ngan sach nam 2027 so tai chinh tinh binh dinh cong van 45/stc-ns",
      },
      stored: [{ kind: "ORIGINAL", fileName: "D3-2026.pdf", pageCount: 2 }, { kind: "STAMPED" }],
      audit: [
        { type: "document.registered", data: { ref: "D3/2026", number: 3, book: "IN", urgency: "URGENT", source: "pdf" } },
        { type: "document.duplicateWarned", data: { warnings: [{ kind: "sameFile" }, { kind: "sameNumber" }] } },
      ],
      outbox: [
        { userId: "<user chutich>", kind: "document.toDirect", payload: { documentId: "<document>" }, urgency: "URGENT" },
        { userId: "<user pct>", kind: "document.toDirect", payload: { documentId: "<document>" }, urgency: "URGENT" },
      ],
      counters: [{ book: "IN", last: 3 }],
    });

    const secretDirect = await scenario(secret, {});
    expect(secretDirect.hot).toEqual([REGISTER_STATEMENTS.read.name, REGISTER_STATEMENTS.write.name]);
    const secretTransactional = await scenario(secret, TRANSACTIONAL);
    expect(secretDirect.rows).toEqual(secretTransactional.rows);
    expect(secretDirect.rows).toMatchObject({
      result: { ref: "M1/2026", registerNumber: 1, isPaperOnly: true, warnings: [], sentTo: [] },
      document: { registerBook: "IN_SECRET", secrecy: "SECRET", isPaperOnly: true, subject: "", searchText: "m1/2026 cong an tinh cong van" },
      stored: [],
      audit: [{ type: "document.registered" }],
      outbox: [],
      counters: [
        { book: "IN", last: 2 },
        { book: "IN_SECRET", last: 1 },
      ],
    });
  });

  it("sends two statements for a registration without a scan (the transactional path: a dozen)", async () => {
    const direct = await recording((prisma) => registerSample(deps(prisma), org, { codeNumber: "1" }));
    expect(direct.sent).toEqual([REGISTER_STATEMENTS.read.name, REGISTER_STATEMENTS.write.name]);
    const transactional = await recording((prisma) =>
      registerIncomingDocument(deps(prisma), { actorUserId: org.users.vanthu!, issuer: "Sở Tài chính", codeNumber: "2", subject: "V/v kinh phí" }, TRANSACTIONAL),
    );
    expect(transactional.sent.length).toBeGreaterThan(6);
    expect([direct.result.registerNumber, transactional.result.registerNumber]).toEqual([1, 2]);
  });

  it("numbers 20 registrations in parallel, by both paths at once, 1–20 with no gap or duplicate; the audit chain verifies", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        registerIncomingDocument(
          deps(),
          { actorUserId: org.users.vanthu!, issuer: "Sở Tài chính", codeNumber: String(i % 10), subject: `V/v số ${i}` },
          i % 4 === 3 ? TRANSACTIONAL : {},
        ),
      ),
    );
    expect(results.map((r) => r.registerNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(results.every((r) => r.ref === `D${r.registerNumber}/2026`)).toBe(true);
    const docs = await db.prisma.document.findMany({ select: { id: true, ref: true, registerNumber: true, searchText: true } });
    expect(docs).toHaveLength(20);
    expect(docs.every((d) => d.ref === `D${d.registerNumber}/2026` && d.searchText.startsWith(`d${d.registerNumber}/2026 `))).toBe(true);
    expect(await db.prisma.registerCounter.findMany({ select: { book: true, last: true } })).toEqual([{ book: "IN", last: 20 }]);
    expect(await db.prisma.auditEvent.count({ where: { type: "document.registered" } })).toBe(20);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "document.toDirect" } })).toBe(40);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: true });
  }, 120_000);

  it("warns about duplicates it finds in its read: the same issuer, number and date; none for another date", async () => {
    const first = await registerSample(deps(), org);
    const again = await recording((prisma) => registerSample(deps(prisma), org, { issuer: "sở tài chính tỉnh bình định" }));
    expect(again.sent).toEqual([REGISTER_STATEMENTS.read.name, REGISTER_STATEMENTS.write.name]);
    expect(again.result.warnings).toEqual([{ kind: "sameNumber", documentId: first.documentId, ref: "D1/2026" }]);
    const warned = await db.prisma.auditEvent.findMany({ where: { entityId: again.result.documentId }, orderBy: { seq: "asc" }, select: { type: true, data: true } });
    expect(warned).toEqual([
      { type: "document.registered", data: expect.objectContaining({ ref: "D2/2026", number: 2 }) },
      { type: "document.duplicateWarned", data: { warnings: [{ kind: "sameNumber", documentId: first.documentId, ref: "D1/2026" }] } },
    ]);
    expect((await registerSample(deps(), org, { issuedDate: "2026-11-21" })).warnings).toEqual([]);
    // Without ký hiệu: another number (the check compares it too, as a missing one).
    expect((await registerSample(deps(), org, { codeNotation: undefined })).warnings).toEqual([]);
    expect((await registerSample(deps(), org, { codeNotation: undefined })).warnings).toEqual([expect.objectContaining({ kind: "sameNumber", ref: "D4/2026" })]);
  });

  it("compares the issuer case-insensitively and its %, _ and \\ as themselves (not LIKE's wildcards), on both paths and in findDuplicates", async () => {
    const register = (issuer: string, codeNumber: string, options: RegisterIncomingOptions = {}) =>
      registerIncomingDocument(deps(), { actorUserId: org.users.vanthu!, issuer, codeNumber, codeNotation: "STC-NS", issuedDate: "2026-11-20", subject: "V/v kinh phí" }, options);
    const refsOf = (found: { ref: string }[]) => found.map((d) => d.ref).sort();
    for (const options of [{}, TRANSACTIONAL]) {
      await db.truncate();
      org = await setupExampleOrg(deps());
      await register("Sở Tài chính", "7");
      // A wildcard matched other issuers.
      expect((await register("Sở T_i chính", "7", options)).warnings).toEqual([]);
      expect((await register("SỞ %", "7", options)).warnings).toEqual([]);
      expect(refsOf((await register("SỞ TÀI CHÍNH", "7", options)).warnings)).toEqual(["D1/2026"]);
      // A backslash escaped the next character (the same issuer went unnoticed), and one at the end
      // failed the statement ("LIKE pattern must not end with escape character").
      await register("Sở Tài chính\\Phòng Ngân sách\\", "8");
      expect(refsOf((await register("SỞ TÀI CHÍNH\\PHÒNG NGÂN SÁCH\\", "8", options)).warnings)).toEqual(["D5/2026"]);
    }
    const found = (issuer: string, codeNumber: string) => findDuplicates(deps(), org.orgId, { issuer, codeNumber, codeNotation: "STC-NS", issuedDate: "2026-11-20" }).then(refsOf);
    expect(await found("sở tài chính", "7")).toEqual(["D1/2026", "D4/2026"]);
    expect(await found("Sở T_i chính", "7")).toEqual(["D2/2026"]);
    expect(await found("%", "7")).toEqual([]);
    expect(await found("sở tài chính\\phòng ngân sách\\", "8")).toEqual(["D5/2026", "D6/2026"]);
  });
});
