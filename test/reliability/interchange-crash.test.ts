// The service killed with SIGKILL between the durable write of a package from the document interchange
// and its `updateStatus done` (deterministically: the fake axis holds the `done` call unanswered), then
// restarted: one document, one package row, the package downloaded once, `done` said by the new process,
// and the statuses 01 and 03 delivered (core/interchange/receive-package.ts).
//
// Real processes: `node bin/edoc.js serve` (in-process job runner, interchange on) against the fake axis in
// this process, on a throwaway PostgreSQL database shared with the test.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEdxmlPackage, parseEdxmlStatus } from "../../core/interchange/edxml.ts";
import { samplePackage } from "../support/edxml-fixtures.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { samplePdf, setupExampleOrg } from "../support/workflow.ts";
import { realDeps, requirePostgres, spawnServe, waitUntil, type ServeProcess } from "./harness.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const SENDER = "000.00.31.H10";

let db: TestDatabase;
let fake: FakeAxisServer;
let dataDir: string;
let service: ServeProcess | undefined;

beforeAll(async () => {
  requirePostgres();
  db = await createTestDatabase();
  fake = await startFakeAxisServer(CREDENTIALS);
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-rel-axis-"));
});
afterAll(async () => {
  await service?.stop();
  await fake?.close();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const serveEnv = () => ({
  DATABASE_URL: db.url!,
  DATA_DIR: dataDir,
  AXIS_URL: fake.url,
  AXIS_SYSTEM_ID: CREDENTIALS.systemId,
  AXIS_SECRET: CREDENTIALS.secret,
  AGENCY_ORGAN_ID: "000.00.32.H10",
  AXIS_POLL_SECONDS: "5",
});

describe("SIGKILL between the durable write and updateStatus done", () => {
  it("gives one record after a restart, and the restarted service says done and sends 01 and 03", { timeout: 240_000 }, async () => {
    const org = await setupExampleOrg(realDeps(db.prisma));
    // Direct mode (`interchange: { register: direct }`): the package is registered in the poll itself.
    await db.prisma.organization.update({ where: { id: org.orgId }, data: { interchangeRegister: "DIRECT" } });
    const input = samplePackage();
    input.attachments = [
      { contentType: "application/pdf", name: "45-STC-NS.pdf", bytes: await samplePdf() },
      { contentType: "image/png", name: "phu-luc.png", bytes: await readFile("test/fixtures/photo-small.png") },
    ];
    const docId = fake.deliver(buildEdxmlPackage(input), { from: SENDER });
    // The first `done` is never answered: the process is killed while it waits.
    fake.failNextCall("updateStatus", 1, "hang");

    service = await spawnServe(serveEnv());
    await waitUntil(() => fake.requests.some((r) => r.call === "updateStatus" && r.status === 0), {
      timeoutMs: 60_000,
      what: "the service to say done",
      explain: () => service!.output(),
    });
    expect(await db.prisma.document.count()).toBe(1);
    service.child.kill("SIGKILL");
    await service.exited;
    expect(fake.statusUpdates).toEqual([]);
    expect(fake.packages[0]!.done).toBe(false);

    service = await spawnServe(serveEnv());
    await waitUntil(() => fake.statusUpdates.length > 0 && fake.statuses.length >= 2, {
      timeoutMs: 90_000,
      what: "done and the statuses after the restart",
      explain: () => service!.output(),
    });
    expect(fake.statusUpdates).toEqual([{ docId, status: "done" }]);
    expect(await db.prisma.document.count()).toBe(1);
    expect(await db.prisma.interchangePackage.findMany({ select: { axisDocId: true, state: true, axisAnswer: true } })).toEqual([
      { axisDocId: docId, state: "REGISTERED", axisAnswer: "done" },
    ]);
    expect(fake.downloads).toHaveLength(1);
    const codes = await Promise.all(fake.statuses.map(async (s) => (await parseEdxmlStatus(s.bytes)).statusCode));
    expect(codes).toEqual(["01", "03"]);
    await service.stop();
  });
});
