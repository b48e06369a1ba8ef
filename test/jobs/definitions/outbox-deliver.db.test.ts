// The outbox.deliver job's log says what happened: "the office was told" only when office.unreachable
// rows were written; a message kept in a person's inbox is no error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Sender } from "../../../core/ports/sender.ts";
import type { JobContext } from "../../../jobs/definition.ts";
import { outboxDeliverJob } from "../../../jobs/definitions/outbox-deliver.ts";
import { createTestDeps } from "../../support/core.ts";
import { buildOutboxRow, buildScenario } from "../../support/outbox-builders.ts";
import { createRecordingSender } from "../../support/recording-sender.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
});

type Line = { level: string; obj: Record<string, unknown>; msg: string };

/** Runs the job for one row with these senders; returns its log lines. */
const deliver = async (outboxId: string, senders: Partial<Record<Sender["channel"], Sender>>): Promise<Line[]> => {
  const lines: Line[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? "" });
  const ctx: JobContext = {
    deps: createTestDeps(db.prisma),
    senders,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
    enqueue: async () => {},
    workerId: "test",
  };
  await outboxDeliverJob.handler({ outboxId }, ctx);
  return lines;
};

describe("outbox.deliver logs", () => {
  it("a failure tells the office: says so, with how many were told", async () => {
    const s = await buildScenario(db.prisma);
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const lines = await deliver(row.id, { TELEGRAM: createRecordingSender("TELEGRAM") });
    expect(lines.map((l) => [l.level, l.msg, l.obj.officeNotified])).toEqual([["error", "outbox message failed; the office was told", 2]]);
  });

  it("a failure nobody could be told of does not claim the office was told", async () => {
    const s = await buildScenario(db.prisma);
    await db.prisma.user.updateMany({ where: { roles: { has: "MONITOR" } }, data: { active: false } });
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const lines = await deliver(row.id, { TELEGRAM: createRecordingSender("TELEGRAM") });
    expect(lines.map((l) => [l.level, l.msg, l.obj.officeNotified])).toEqual([
      ["error", "outbox message failed; nobody was told: the organisation has no other active MONITOR user", 0],
    ]);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "office.unreachable" } })).toBe(0);
  });

  it("a failed office notice is not forwarded, and the log says that", async () => {
    const s = await buildScenario(db.prisma);
    const row = await buildOutboxRow(db.prisma, { userId: s.users.office.id, kind: "office.unreachable", payload: { userId: s.users.officer.id, outboxId: "gone" } });
    const lines = await deliver(row.id, { TELEGRAM: createRecordingSender("TELEGRAM") });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([["error", "an office notice failed; nobody else is told (it would loop)"]]);
  });

  it("a message kept in the inbox of a person who has not signed in yet is info, not an error", async () => {
    const s = await buildScenario(db.prisma);
    const row = await buildOutboxRow(db.prisma, { userId: s.users.officer.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const web = Object.assign(createRecordingSender("WEB"), { inbox: true as const });
    const lines = await deliver(row.id, { TELEGRAM: createRecordingSender("TELEGRAM"), WEB: web });
    expect(lines.map((l) => [l.level, l.msg, l.obj.channel])).toEqual([
      ["info", "outbox message kept in the person's inbox (no linked chat took it): they see it when they sign in", "WEB"],
    ]);
    expect(web.sent).toHaveLength(1);
  });
});
