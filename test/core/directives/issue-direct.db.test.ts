// The directive's direct path (core/directives/issue-direct.ts): one read and one statement for a
// leader's first directive on a document, the transactional path for the rest. The database client is
// wrapped (test/support/watched-sql.ts) so the test sees which of the two statements ran and can act
// between the read and the write.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ISSUE_STATEMENTS } from "../../../core/directives/issue-direct.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import type { IssueDirectiveInput } from "../../../core/directives/plan-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { Db } from "../../../core/store/client.ts";
import { directPoolOf } from "../../../core/store/direct-sql.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { countStatements, watchDirect } from "../../support/direct-sql-watch.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = (prisma: Db = db.prisma) => createTestDeps(prisma, { clock, files });
const u = (code: string) => org.users[code]!;
const watched = (afterRead?: (row: Record<string, unknown>) => Promise<void> | void) => watchDirect(db.prisma, ISSUE_STATEMENTS, afterRead);

/** TCKH leads, TP and VP coordinate, NB and NC (no account: on paper) are told. */
const input = (documentId: string, over: Partial<IssueDirectiveInput> = {}): IssueDirectiveInput => ({
  actorUserId: u("chutich"),
  documentId,
  text: "Giao Sở Tài chính chủ trì, phối hợp Sở Tư pháp, Văn phòng tham mưu trả lời.",
  main: "TCKH",
  coordinate: ["TP", "VP"],
  info: ["NB", "NC"],
  due: { date: "2026-12-21" },
  coordinateDue: { date: "2026-12-18" },
  ...over,
});

/** A registered document that came through the interchange (its sender hears of the directive: status 04). */
const registerFromInterchange = async (codeNumber: string) => {
  const { documentId } = await registerSample(deps(), org, { codeNumber });
  await db.prisma.interchangePackage.create({
    data: {
      orgId: org.orgId,
      axisDocId: `axis-${codeNumber}`,
      fromOrganId: "000.00.31.H10",
      codeNumber,
      codeNotation: "STC-NS",
      promulgationDate: new Date("2026-11-20T00:00:00Z"),
      edxmlDocumentId: `edxml-${codeNumber}`,
      state: "REGISTERED",
      receivedAt: clock.now(),
      documentId,
    },
  });
  return documentId;
};

type Rows = {
  assignments: { ref: string; nextReminderAt: string | null; reminderStep: string | null; isPaper: boolean; status: string }[];
  outbox: { dedupeKey: string; userId: string; kind: string; urgency: string }[];
};
/** Every row a directive wrote, with its own ids and refs replaced by placeholders. */
const rowsOf = async (documentId: string) => {
  const doc = await db.prisma.document.findUniqueOrThrow({ where: { id: documentId }, select: { ref: true, status: true, dueAt: true } });
  const directives = await db.prisma.directive.findMany({ where: { documentId } });
  const assignments = await db.prisma.assignment.findMany({ where: { documentId }, include: { unit: { select: { code: true } } }, orderBy: { ref: "asc" } });
  const pkg = await db.prisma.interchangePackage.findUnique({ where: { documentId }, select: { id: true, codeNumber: true, codeNotation: true, edxmlDocumentId: true } });
  const names = new Map<string, string>([
    ...directives.map((d) => [d.id, "<directive>"] as [string, string]),
    ...assignments.map((a) => [a.id, `<assignment ${a.unit.code}>`] as [string, string]),
    [documentId, "<document>"],
    [doc.ref, "<document ref>"],
    ...(pkg
      ? ([
          [pkg.id, "<package>"],
          [`${pkg.codeNumber}/${pkg.codeNotation}`, "<package code>"],
          [pkg.edxmlDocumentId!, "<package document>"],
        ] as [string, string][])
      : []),
  ]);
  const anon = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === "string" ? [...names].reduce((s, [from, to]) => s.split(from).join(to), x) : x));
  const audit = await db.prisma.auditEvent.findMany({ where: { entityId: { in: [...directives.map((d) => d.id), ...assignments.map((a) => a.id)] } }, orderBy: { seq: "asc" } });
  const outbox = await db.prisma.outboxMessage.findMany({ where: { OR: assignments.map((a) => ({ dedupeKey: { startsWith: `asg:${a.id}:` } })) } });
  const statuses = pkg ? await db.prisma.interchangeStatusMessage.findMany({ where: { packageId: pkg.id }, orderBy: { seq: "asc" } }) : [];
  const rows = anon({
    document: { status: doc.status, dueAt: doc.dueAt },
    directives: directives.map(({ documentId: _, ...d }) => d),
    assignments: assignments.map(({ updatedAt: _, unit: __, documentId: ___, ...a }) => a),
    audit: audit.map((e) => ({ at: e.at, orgId: e.orgId, actorUserId: e.actorUserId, type: e.type, entityType: e.entityType, entityId: e.entityId, data: e.data })),
    // Each unit's heads are told in the order they are found: compared as a set.
    outbox: outbox.map((m) => ({
      dedupeKey: m.dedupeKey,
      userId: m.userId,
      kind: m.kind,
      payload: m.payload,
      urgency: m.urgency,
      status: m.status,
      attempts: m.attempts,
      nextAttemptAt: m.nextAttemptAt,
      createdAt: m.createdAt,
    })),
    statuses: statuses.map(({ id: _, seq: __, ...s }) => s),
  }) as Rows;
  rows.outbox.sort((a, b) => a.dedupeKey.localeCompare(b.dedupeKey));
  return rows;
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

describe("issueDirective's direct path", () => {
  it("writes exactly the rows the transactional path writes, in one read and one statement", async () => {
    const one = await registerFromInterchange("45");
    const two = await registerFromInterchange("46");
    await db.prisma.document.updateMany({ data: { urgency: "URGENT" } });
    clock.advance(3_600_000);
    const direct = watched();
    const r1 = await issueDirective(deps(direct.prisma), input(one));
    expect(direct.ran).toEqual([ISSUE_STATEMENTS.read.name, ISSUE_STATEMENTS.write.name]);
    // The same directive made to take the transactional path: the read is told the document has one.
    const forced = watched((row) => {
      row.docDirected = true;
    });
    const r2 = await issueDirective(deps(forced.prisma), input(two));
    expect(forced.ran).toEqual([ISSUE_STATEMENTS.read.name]);

    // Both answer alike (ids and refs aside).
    const anonResult = (r: typeof r1) => ({
      ...r,
      directiveId: "<directive>",
      documentId: "<document>",
      documentRef: "<document ref>",
      assignments: r.assignments.map((a) => ({ ...a, assignmentId: "<assignment>", ref: a.ref.replace(r.documentRef, "<document ref>") })),
    });
    expect(anonResult(r1)).toEqual(anonResult(r2));
    expect(r1.assignments.map((a) => [a.ref, a.role, a.isPaper])).toEqual([
      ["D1/2026-TCKH", "MAIN", false],
      ["D1/2026-TP", "COORDINATE", false],
      ["D1/2026-VP", "COORDINATE", false],
      ["D1/2026-NB", "INFO", false],
      ["D1/2026-NC", "INFO", true],
    ]);
    const [rows1, rows2] = [await rowsOf(one), await rowsOf(two)];
    expect(rows1).toEqual(rows2);
    // And what they are: the document assigned with the main deadline, one directive, five assignments
    // with their reminders, the events in order (the directive's last), the heads and the office told,
    // the sender's status 04.
    expect(rows1).toMatchObject({
      document: { status: "ASSIGNED", dueAt: new Date("2026-12-21T16:59:59.999Z").toISOString() },
      directives: [{ id: "<directive>", authorId: u("chutich"), enteredById: u("chutich"), supersedesId: null }],
      audit: [
        { type: "assignment.created", entityId: "<assignment TCKH>", data: { ref: "<document ref>-TCKH", unit: "TCKH", role: "MAIN", isPaper: false } },
        { type: "assignment.created", entityId: "<assignment TP>", data: { dueAt: "2026-12-18T16:59:59.999Z" } },
        { type: "assignment.created", entityId: "<assignment VP>" },
        { type: "assignment.created", entityId: "<assignment NB>", data: { dueAt: null } },
        { type: "assignment.created", entityId: "<assignment NC>", data: { isPaper: true } },
        { type: "directive.issued", entityId: "<directive>", data: { units: ["TCKH:MAIN", "TP:COORDINATE", "VP:COORDINATE", "NB:INFO", "NC:INFO"], supersedesId: null } },
      ],
      statuses: [
        {
          dedupeKey: "<package>:04",
          statusCode: "04",
          description: expect.stringContaining("Sở Tài chính"),
          responseCode: "<package code>",
          responseDocumentId: "<package document>",
        },
      ],
    });
    const asg = rows1.assignments;
    expect(asg.every((a) => a.status === "ASSIGNED")).toBe(true);
    expect(asg.filter((a) => a.nextReminderAt !== null).map((a) => a.ref)).toEqual(["<document ref>-TCKH", "<document ref>-TP", "<document ref>-VP"]);
    const outbox = rows1.outbox;
    expect(outbox.map((m) => [m.kind, m.userId]).sort()).toEqual(
      [
        ["assignment.new", u("tp.tckh")],
        ["assignment.new", u("tp.tp")],
        ["assignment.new", u("cvp")],
        ["assignment.new", u("ct.nb")],
        ["assignment.paper", u("cvp")],
        ["assignment.paper", u("cv.vp")],
      ].sort(),
    );
    expect(outbox.every((m) => m.urgency === "URGENT")).toBe(true);
  });

  it("a directive issued between the read and the write: nothing of the first attempt is written, the transactional path supersedes it", async () => {
    const documentId = await registerFromInterchange("45");
    let first = "";
    const racing = watched(async () => {
      first = (await issueDirective(deps(), input(documentId, { text: "Giao Sở Tư pháp chủ trì.", main: "TP", coordinate: [], info: [] }))).directiveId;
    });
    const r = await issueDirective(deps(racing.prisma), input(documentId));
    // The direct write was tried and matched nothing; the transactional path found the directive in force.
    expect(racing.ran).toEqual([ISSUE_STATEMENTS.read.name, ISSUE_STATEMENTS.write.name]);
    expect(r.supersedesId).toBe(first);
    expect(await db.prisma.directive.count({ where: { documentId } })).toBe(2);
    const assignments = await db.prisma.assignment.findMany({ where: { documentId }, select: { directiveId: true, status: true } });
    expect(assignments.filter((a) => a.directiveId === first).map((a) => a.status)).toEqual(["CANCELLED"]);
    expect(assignments.filter((a) => a.directiveId === r.directiveId)).toHaveLength(5);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.created" } })).toBe(6);
    expect((await db.prisma.auditEvent.findMany({ where: { type: { startsWith: "directive." } }, orderBy: { seq: "asc" } })).map((e) => e.type)).toEqual([
      "directive.issued",
      "directive.superseded",
    ]);
    expect(await db.prisma.interchangeStatusMessage.count({ where: { statusCode: "04" } })).toBe(1);
  });

  it("two leaders directing the same document at once: one directive is in force, the other supersedes it", async () => {
    const documentId = await registerFromInterchange("45");
    const [a, b] = await Promise.all([
      issueDirective(deps(), input(documentId)),
      issueDirective(deps(), input(documentId, { actorUserId: u("pct"), text: "Giao Sở Tư pháp chủ trì.", main: "TP", coordinate: [], info: [] })),
    ]);
    const [earlier, later] = a.supersedesId === null ? [a, b] : [b, a];
    expect(earlier.supersedesId).toBeNull();
    expect(later.supersedesId).toBe(earlier.directiveId);
    expect(await db.prisma.directive.count({ where: { documentId } })).toBe(2);
    const open = await db.prisma.assignment.findMany({ where: { documentId, status: { not: "CANCELLED" } }, select: { directiveId: true } });
    expect(new Set(open.map((x) => x.directiveId))).toEqual(new Set([later.directiveId]));
    expect((await db.prisma.auditEvent.findMany({ where: { type: { startsWith: "directive." } }, orderBy: { seq: "asc" } })).map((e) => e.type)).toEqual([
      "directive.issued",
      "directive.superseded",
    ]);
  });

  it("the clerk entering two leaders' first directives at once (the transactional path): one directive is in force, the other supersedes it", async () => {
    const documentId = await registerFromInterchange("45");
    const clerk = { actorUserId: u("vanthu") };
    const [a, b] = await Promise.all([
      issueDirective(deps(), input(documentId, { ...clerk, onBehalfOfUserCode: "chutich" })),
      issueDirective(deps(), input(documentId, { ...clerk, onBehalfOfUserCode: "pct", text: "Giao Sở Tư pháp chủ trì.", main: "TP", coordinate: [], info: [] })),
    ]);
    const [earlier, later] = a.supersedesId === null ? [a, b] : [b, a];
    expect(earlier.supersedesId).toBeNull();
    expect(later.supersedesId).toBe(earlier.directiveId);
    const inForce = await db.prisma.directive.findMany({ where: { documentId, supersededBy: null }, select: { id: true } });
    expect(inForce.map((d) => d.id)).toEqual([later.directiveId]);
    const open = await db.prisma.assignment.findMany({ where: { documentId, status: { not: "CANCELLED" } }, select: { directiveId: true } });
    expect(new Set(open.map((x) => x.directiveId))).toEqual(new Set([later.directiveId]));
  });

  it("a unit deactivated between the read and the write: nothing is written, the transactional path refuses it", async () => {
    const documentId = await registerFromInterchange("45");
    const racing = watched(async () => {
      await db.prisma.unit.updateMany({ where: { code: "TP" }, data: { active: false } });
    });
    const err = (await issueDirective(deps(racing.prisma), input(documentId)).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe("UNIT_INACTIVE");
    expect(racing.ran).toEqual([ISSUE_STATEMENTS.read.name, ISSUE_STATEMENTS.write.name]);
    expect(await db.prisma.directive.count()).toBe(0);
    expect(await db.prisma.assignment.count()).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: { in: ["assignment.created", "directive.issued"] } } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { kind: { startsWith: "assignment." } } })).toBe(0);
    expect((await db.prisma.document.findUniqueOrThrow({ where: { id: documentId } })).status).toBe("REGISTERED");
  });

  it("refuses in the read as the transactional path does, writing nothing", async () => {
    const documentId = (await registerSample(deps(), org)).documentId;
    const w = watched();
    const code = async (over: Partial<IssueDirectiveInput>) => ((await issueDirective(deps(w.prisma), input(documentId, over)).catch((e: unknown) => e)) as DomainError).code;
    expect(await code({ actorUserId: u("tp.tckh") })).toBe("FORBIDDEN");
    expect(await code({ actorUserId: u("vanthu") })).toBe("DIRECTIVE_NEEDS_LEADER");
    expect(await code({ main: "XYZ" })).toBe("UNIT_NOT_FOUND");
    expect(await code({ coordinate: ["tckh"] })).toBe("UNIT_TWICE");
    expect(await code({ due: { date: "2026-11-30" } })).toBe("DEADLINE_IN_PAST");
    expect(await code({ documentId: "no-such-document" })).toBe("DOCUMENT_NOT_FOUND");
    expect(await code({ actorUserId: "no-such-user" })).toBe("ACTOR_UNKNOWN");
    expect(w.ran.every((n) => n === ISSUE_STATEMENTS.read.name)).toBe(true);
    expect(await db.prisma.directive.count()).toBe(0);
  });

  it("sends two statements in all for a document without a scan (counted on Prisma and on the pool)", async () => {
    const warm = (await registerSample(deps(), org, { codeNumber: "44" })).documentId;
    const documentId = (await registerSample(deps(), org)).documentId;
    const counted = countStatements(db.prisma);
    try {
      // The first use of a client reads the calendar once (cached per client afterwards).
      await issueDirective(deps(counted.prisma), input(warm));
      counted.statements.length = 0;
      await issueDirective(deps(counted.prisma), input(documentId));
    } finally {
      counted.restore();
    }
    // The joined read and the write: through the adapter's pool on PostgreSQL, Prisma's raw query on PGlite.
    const via = directPoolOf(db.prisma) ? "pool" : "$queryRawUnsafe";
    const head = (text: string) => `${via}: ${text.replace(/\s+/g, " ").trim().slice(0, 40)}`;
    expect(counted.statements).toEqual([head(ISSUE_STATEMENTS.read.text), head(ISSUE_STATEMENTS.write.text)]);
    expect(await db.prisma.assignment.count({ where: { documentId } })).toBe(5);
  });
});
