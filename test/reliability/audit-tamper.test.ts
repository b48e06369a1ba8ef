// An audit row edited behind the application's back is caught by `edoc audit verify` (the CLI as an
// operator runs it, against a PostgreSQL database we tampered with by hand).
import { spawnSync } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../core/assignments/acknowledge-assignment.ts";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { registerSample, setupExampleOrg } from "../support/workflow.ts";
import { realDeps, requirePostgres } from "./harness.ts";

let db: TestDatabase;

beforeAll(async () => {
  requirePostgres();
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

const verify = () =>
  spawnSync(process.execPath, ["bin/edoc.js", "audit", "verify"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: db.url!, LOG_LEVEL: "silent", DATA_DIR: "/nonexistent-edoc-data" },
    encoding: "utf8",
    timeout: 60_000,
  });
const sql = async (text: string, values: unknown[] = []) => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
};

describe("edoc audit verify on a tampered database", () => {
  it("passes on the untouched log, then names the edited event", { timeout: 120_000 }, async () => {
    const deps = realDeps(db.prisma);
    const org = await setupExampleOrg(deps);
    const doc = await registerSample(deps, org);
    const directive = await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId: doc.documentId,
      text: "Giao TCKH chủ trì.",
      main: "TCKH",
      due: { workingDays: 5 },
    });
    await acknowledgeAssignment(deps, { actorUserId: org.users["tp.tckh"]!, assignmentId: directive.assignments[0]!.assignmentId });

    const intact = verify();
    expect(intact.status, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/Audit log intact: \d+ event/);

    // Someone rewrites who acknowledged the assignment, straight in the database.
    const [ack] = await sql(`SELECT seq FROM "AuditEvent" WHERE type = 'assignment.acknowledged'`);
    const seq = Number(ack!.seq);
    await sql(`UPDATE "AuditEvent" SET "actorUserId" = $1 WHERE seq = $2`, [org.users["tp.tp"], seq]);
    const edited = verify();
    expect(edited.status).toBe(1);
    expect(edited.stderr).toContain(`Audit log broken at event #${seq}: its content does not match its hash (edited)`);

    // Restored, the log verifies again; a rewritten hash is caught as well.
    await sql(`UPDATE "AuditEvent" SET "actorUserId" = $1 WHERE seq = $2`, [org.users["tp.tckh"], seq]);
    expect(verify().status).toBe(0);
    await sql(`UPDATE "AuditEvent" SET hash = md5(hash) || md5(hash) WHERE seq = $1`, [seq]);
    const rehashed = verify();
    expect(rehashed.status).toBe(1);
    expect(rehashed.stderr).toMatch(new RegExp(`Audit log broken at event #${seq}\\b`));
  });
});
