// The register clerks' card for a package from the interchange (card mode, the organisation file's default),
// end to end against the fake axis on 127.0.0.1: the poll stores the package and answers 01, the clerks get
// a card, Vào sổ registers it (số đến, 03, to the leaders), Trả lại sends 02 with the reason; a press twice,
// two clerks at once, or a press after another clerk acted give one decision.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { createAxisHttpTransport } from "../../../core/interchange/axis-http-transport.ts";
import { registerInterchangePackage, returnInterchangePackage } from "../../../core/interchange/decide-package.ts";
import { buildEdxmlPackage, parseEdxmlStatus } from "../../../core/interchange/edxml.ts";
import { pollInterchange, type InterchangeReceiver } from "../../../core/interchange/receive-package.ts";
import { sendDueInterchangeStatuses } from "../../../core/interchange/status-messages.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { createTestDeps } from "../../support/core.ts";
import { samplePackage } from "../../support/edxml-fixtures.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const AGENCY = "000.00.32.H10";
const SENDER = "000.00.31.H10";

let db: TestDatabase;
let org: OrgFixture;
let fake: FakeAxisServer;
let tmp: string;
let deps: ReturnType<typeof createTestDeps>;
let pdf: Uint8Array;
let png: Uint8Array;
/** A second register clerk of the office. */
let vanthu2: string;

const receiver = (): InterchangeReceiver => ({ transport: createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS }), tmpDir: tmp });
const sendStatuses = () => sendDueInterchangeStatuses(deps, { transport: createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS }), agencyOrganId: AGENCY, workerId: "test" });
const statusesAtFake = async () =>
  Promise.all(
    fake.statuses.map(async (s) => {
      const status = await parseEdxmlStatus(s.bytes);
      return { to: s.to, code: status.statusCode, description: status.description ?? "" };
    }),
  );
const goodPackage = (): Uint8Array => {
  const input = samplePackage();
  input.attachments = [
    { contentType: "application/pdf", name: "45-STC-NS.pdf", bytes: pdf },
    { contentId: "phuluc", contentType: "image/png", name: "Phụ lục ảnh.png", bytes: png },
  ];
  return buildEdxmlPackage(input);
};
/** A package arrives and is polled: it waits on the card. */
const arrive = async (): Promise<{ packageId: string; number: number }> => {
  fake.deliver(goodPackage(), { from: SENDER });
  const [outcome] = await pollInterchange(deps, receiver());
  if (outcome?.outcome !== "pending") throw new Error(`expected a pending package, got ${JSON.stringify(outcome)}`);
  return { packageId: outcome.packageId, number: outcome.number };
};
const refusal = async (p: Promise<unknown>): Promise<DomainError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
};

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
  png = new Uint8Array(await readFile("test/fixtures/photo-small.png"));
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  deps = createTestDeps(db.prisma, { files: createMemoryFileStore() });
  org = await setupExampleOrg(deps);
  vanthu2 = (await db.prisma.user.create({ data: { orgId: org.orgId, unitId: org.units.VP!, code: "vanthu2", name: "Phan Thị Hoa", roles: ["CLERK"] }, select: { id: true } })).id;
  fake = await startFakeAxisServer(CREDENTIALS);
  tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-card-"));
});
afterEach(async () => {
  await fake.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("the register clerks' card (interchange.register: card, the default)", () => {
  it("a checked package is stored and answered 01, registers nothing, and each register clerk gets a card with its envelope and files", async () => {
    const { packageId, number } = await arrive();
    expect(await db.prisma.document.count()).toBe(0);
    expect(fake.packages.find((p) => p.messageType === "edoc")?.done).toBe(true);
    const pkg = await db.prisma.interchangePackage.findUniqueOrThrow({ where: { id: packageId } });
    expect(pkg).toMatchObject({ state: "PENDING", codeNumber: "45", codeNotation: "STC-NS", documentId: null });
    await sendStatuses();
    expect((await statusesAtFake()).map((s) => s.code)).toEqual(["01"]);

    const cards = await db.prisma.outboxMessage.findMany({ where: { kind: "interchange.toRegister" }, select: { userId: true } });
    expect(cards.map((c) => c.userId).sort()).toEqual([org.users.vanthu!, vanthu2].sort());
    const card = await renderOutboxMessage(deps, { kind: "interchange.toRegister", payload: { packageId }, userId: org.users.vanthu!, locale: "vi" });
    expect(card.ok).toBe(true);
    if (!card.ok) return;
    expect(card.message.title).toContain(`LT${number}`);
    expect(card.message.text).toContain("Văn bản điện tử đến từ trục liên thông");
    expect(card.message.text).toContain("45/STC-NS");
    expect(card.message.text).toContain("Sở Tài chính tỉnh Bình Định (mã định danh 000.00.31.H10)");
    expect(card.message.text).toContain("Ngày ban hành: 10/12/2026");
    expect(card.message.text).toContain("Trích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027");
    expect(card.message.text).toContain("Độ khẩn: Khẩn");
    expect(card.message.text).toContain("Tệp chính: 45-STC-NS.pdf");
    expect(card.message.text).toContain("Phụ lục: Phụ lục ảnh.png");
    expect(card.message.actions).toEqual([
      { label: "Vào sổ", command: `/ok LT${number}`, callback: `a1:axok:${packageId}` },
      { label: "Trả lại", command: `/tralai LT${number}`, callback: `a1:axret:${packageId}` },
    ]);
    expect(card.message.attachments?.[0]).toMatchObject({ fileName: "45-STC-NS.pdf", mime: "application/pdf" });
  });

  it("Vào sổ registers it as direct mode does: số đến, every file, 03 to the sender, the leaders asked to direct; audited", async () => {
    const { packageId, number } = await arrive();
    const result = await registerInterchangePackage(deps, { actorUserId: vanthu2, package: { number } });
    expect(result).toMatchObject({ ref: "D1/2026", registerNumber: 1, packageRef: `LT${number}` });
    const doc = await db.prisma.document.findUniqueOrThrow({ where: { id: result.documentId }, include: { files: true, interchangePackage: true } });
    expect(doc).toMatchObject({ codeNumber: "45", codeNotation: "STC-NS", issuerOrganId: SENDER, urgency: "URGENT", createdById: vanthu2 });
    expect(doc.files.map((f) => f.kind).sort()).toEqual(["APPENDIX", "ORIGINAL", "PACKAGE", "STAMPED"]);
    expect(doc.interchangePackage).toMatchObject({ id: packageId, state: "REGISTERED", decidedById: vanthu2 });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "document.toDirect" } })).toBeGreaterThan(0);
    await sendStatuses();
    const statuses = await statusesAtFake();
    expect(statuses.map((s) => s.code)).toEqual(["01", "03"]);
    expect(statuses[1]!.description).toContain("số đến 1");
    expect(await db.prisma.auditEvent.count({ where: { type: "interchange.packageRegistered", entityId: packageId, actorUserId: vanthu2 } })).toBe(1);
    // The card is not sent any more to a clerk who has not got it yet.
    expect(await renderOutboxMessage(deps, { kind: "interchange.toRegister", payload: { packageId }, userId: org.users.vanthu!, locale: "vi" })).toMatchObject({ ok: false });
  });

  it("Trả lại needs a reason; with one, 02 goes back with it verbatim (markup is text), nothing is registered, the office is told", async () => {
    const { packageId, number } = await arrive();
    const missing = await refusal(returnInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { packageId }, reason: "   " }));
    expect(missing.messageKey).toBe("interchange.card.reasonRequired");
    expect((await db.prisma.interchangePackage.findUniqueOrThrow({ where: { id: packageId } })).state).toBe("PENDING");

    const reason = "Gửi nhầm cơ quan <b>xin gửi lại</b> & kiểm tra";
    await returnInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { number }, reason });
    const pkg = await db.prisma.interchangePackage.findUniqueOrThrow({ where: { id: packageId } });
    expect(pkg).toMatchObject({ state: "RETURNED", returnReason: reason, decidedById: org.users.vanthu, documentId: null, codeNumber: null });
    expect(await db.prisma.document.count()).toBe(0);
    await sendStatuses();
    expect(await statusesAtFake()).toEqual([
      { to: [SENDER], code: "01", description: expect.any(String) },
      { to: [SENDER], code: "02", description: reason },
    ]);
    const told = await db.prisma.outboxMessage.findMany({ where: { kind: "office.interchangeReturned" }, select: { userId: true } });
    expect(told.map((t) => t.userId).sort()).toEqual([org.users.cvp!, org.users["cv.vp"]!].sort());
    const notice = await renderOutboxMessage(deps, { kind: "office.interchangeReturned", payload: { packageId }, userId: org.users.cvp!, locale: "vi" });
    expect(notice.ok && notice.message.text).toContain(`Lý do: ${reason}`);
    expect(notice.ok && notice.message.text).toContain("Trần Thị Bình");
    expect(await db.prisma.auditEvent.count({ where: { type: "interchange.packageReturned", entityId: packageId } })).toBe(1);
  });

  it("a double press gives one document, and the second press is told it is done", async () => {
    const { packageId, number } = await arrive();
    await registerInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { packageId } });
    const again = await refusal(registerInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { packageId } }));
    expect(again.messageKey).toBe("interchange.card.alreadyRegistered");
    expect(again.params).toMatchObject({ ref: `LT${number}`, who: "Trần Thị Bình", docRef: "D1" });
    const returnAfter = await refusal(returnInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { packageId }, reason: "muộn" }));
    expect(returnAfter.messageKey).toBe("interchange.card.alreadyRegistered");
    expect(await db.prisma.document.count()).toBe(0 + 1);
    await sendStatuses();
    expect((await statusesAtFake()).map((s) => s.code)).toEqual(["01", "03"]);
  });

  it("two clerks pressing at once: one decision, the other told who made it", async () => {
    const { packageId } = await arrive();
    const results = await Promise.allSettled([
      registerInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { packageId } }),
      returnInterchangePackage(deps, { actorUserId: vanthu2, package: { packageId }, reason: "Không thuộc thẩm quyền" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(DomainError);
    expect(["interchange.card.alreadyRegistered", "interchange.card.alreadyReturned"]).toContain((lost.reason as DomainError).messageKey);
    const pkg = await db.prisma.interchangePackage.findUniqueOrThrow({ where: { id: packageId } });
    expect(await db.prisma.document.count()).toBe(pkg.state === "REGISTERED" ? 1 : 0);
    await sendStatuses();
    expect((await statusesAtFake()).map((s) => s.code)).toEqual(["01", pkg.state === "REGISTERED" ? "03" : "02"]);
  });

  it("a press after another clerk returned it changes nothing and says who returned it", async () => {
    const { packageId } = await arrive();
    await returnInterchangePackage(deps, { actorUserId: vanthu2, package: { packageId }, reason: "Gửi nhầm cơ quan" });
    const late = await refusal(registerInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { packageId } }));
    expect(late.messageKey).toBe("interchange.card.alreadyReturned");
    expect(late.params).toMatchObject({ who: "Phan Thị Hoa" });
    expect(await db.prisma.document.count()).toBe(0);
  });

  it("only the agency's register clerks may decide: an officer and a ward's clerk are refused", async () => {
    const { packageId } = await arrive();
    for (const who of ["cv.tckh", "vt.nb", "chutich"]) {
      const err = await refusal(registerInterchangePackage(deps, { actorUserId: org.users[who]!, package: { packageId } }));
      expect(err.messageKey, who).toBe("error.forbidden");
    }
    expect((await db.prisma.interchangePackage.findUniqueOrThrow({ where: { id: packageId } })).state).toBe("PENDING");
  });

  it("the organisation file's interchange.register: direct registers at once, as before the card", async () => {
    const file = (await readFile("examples/quy-nhon.yaml", "utf8")).replace("  register: card", "  register: direct");
    expect(file).toContain("register: direct");
    await importOrganization(deps, { text: file });
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.orgId } })).interchangeRegister).toBe("DIRECT");
    fake.deliver(goodPackage(), { from: SENDER });
    const [outcome] = await pollInterchange(deps, receiver());
    expect(outcome).toMatchObject({ outcome: "registered", ref: "D1/2026" });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "interchange.toRegister" } })).toBe(0);
    // Importing a file without the switch keeps the choice.
    await importOrganization(deps, { text: file.replace(/^interchange:\n {2}register: direct\n/m, "") });
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.orgId } })).interchangeRegister).toBe("DIRECT");
  });
});
