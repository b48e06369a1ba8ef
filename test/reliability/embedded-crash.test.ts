// kill -9 of the service that owns the embedded database (PGlite in DATA_DIR) in the middle of a burst
// of writes — acknowledgements, registrations and web sign-ins, through the owner's local socket and
// through the service's own HTTP — then a restart: every write that was acknowledged is there, the audit
// chain is intact, and signing in works (issue 16). PGlite only: this is about the embedded store.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../core/assignments/acknowledge-assignment.ts";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { registerIncomingDocument } from "../../core/documents/register-incoming-document.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { openDatabase, type Database } from "../../core/store/client.ts";
import { isSignedIn, runEdoc, signInWithCode } from "../support/edoc-process.ts";
import { importBigOrg, realDeps, spawnServe, unitCode, type ServeProcess } from "./harness.ts";

const UNITS = 60;
let dataDir = "";
let service: ServeProcess | undefined;
let db: Database | undefined;

afterAll(async () => {
  await db?.close().catch(() => undefined);
  await service?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const edoc = (args: string[]) => runEdoc(args, { DATA_DIR: dataDir });
const signIn = async (port: number, code: string) => {
  const r = await signInWithCode(port, code);
  return { ok: r.status === 200, cookie: r.cookie };
};

describe("kill -9 of the embedded database's owner during a burst of writes", () => {
  it("keeps every acknowledged write; the audit log stays intact; sign-in works after the restart", { timeout: 600_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-embedded-crash-"));
    const env = { DATA_DIR: dataDir };
    service = await spawnServe(env, { startTimeoutMs: 300_000 });
    const port = service.port;
    // The test itself is a second process: it reaches the database through the owner, like the CLI.
    db = await openDatabase({ dataDir });
    expect(db.via).toBe("owner");
    const deps = realDeps(db.prisma);
    const org = await importBigOrg(deps, UNITS);
    const doc = await registerIncomingDocument(deps, { actorUserId: org.users.vanthu!, issuer: "Sở Nội vụ", subject: "V/v rà soát", codeNumber: "7", codeNotation: "SNV" });
    const directive = await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId: doc.documentId,
      text: "Các phòng rà soát, báo cáo.",
      main: unitCode(1),
      coordinate: org.unitCodes.slice(1),
      due: { workingDays: 5 },
    });
    const codes = await Promise.all(Array.from({ length: 30 }, (_, i) => issueLinkCode(deps, { userCode: `head${String(i + 1).padStart(3, "0")}` })));

    // The burst: acknowledgements and registrations through the socket, sign-ins through HTTP, all at once;
    // the kill lands once a good part of them has been acknowledged.
    const acked: string[] = [];
    const registered: { number: number; subject: string }[] = [];
    const sessions: string[] = [];
    let killed = false;
    const kill = async () => {
      if (killed) return;
      killed = true;
      service!.child.kill("SIGKILL");
      expect(await service!.exited).toBe("SIGKILL");
    };
    // A write may fail once the owner is gone, never before (through the owner the pool's connections
    // share one session: hot statements prepared under a name collided there, "already exists").
    const failedBeforeKill: string[] = [];
    const failed = (err: unknown) => void (!killed && failedBeforeKill.push(String(err)));
    const tasks: Promise<void>[] = [];
    for (const [i, a] of directive.assignments.entries())
      tasks.push(
        acknowledgeAssignment(deps, { actorUserId: org.users[`head${String(i + 1).padStart(3, "0")}`]!, assignmentId: a.assignmentId, channel: "WEB" }).then(
          () => void acked.push(a.assignmentId),
          failed,
        ),
      );
    for (let i = 0; i < 140; i++)
      tasks.push(
        registerIncomingDocument(deps, { actorUserId: org.users.vanthu!, issuer: "Sở Tài chính", subject: `V/v số ${i}` }).then(
          (r) => void registered.push({ number: r.registerNumber, subject: `V/v số ${i}` }),
          failed,
        ),
      );
    for (const c of codes)
      tasks.push(
        signIn(port, c.code).then(
          (s) => void (s.ok && sessions.push(s.cookie)),
          () => undefined,
        ),
      );
    let settled = false;
    const watcher = (async () => {
      while (!killed && !settled && acked.length + registered.length + sessions.length < 100) await new Promise((r) => setTimeout(r, 20));
      await kill();
    })();
    await Promise.all(tasks);
    settled = true;
    await watcher;
    const total = acked.length + registered.length + sessions.length;
    console.log(
      `embedded crash: ${acked.length} acknowledgements, ${registered.length} registrations, ${sessions.length} sign-ins acknowledged before/at the kill; ${230 - total} not`,
    );
    expect(failedBeforeKill).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(100);
    expect(total).toBeLessThan(230); // the kill landed in the middle of the burst
    await db.close().catch(() => undefined);
    db = undefined;

    // Restart: every acknowledged write is there.
    service = await spawnServe(env, { startTimeoutMs: 300_000 });
    db = await openDatabase({ dataDir });
    const ackedRows = await db.prisma.assignment.findMany({ where: { id: { in: acked } }, select: { acknowledgedAt: true } });
    expect(ackedRows).toHaveLength(acked.length);
    for (const r of ackedRows) expect(r.acknowledgedAt).not.toBeNull();
    const docs = await db.prisma.document.findMany({
      where: { registerNumber: { in: registered.map((r) => r.number) }, subject: { startsWith: "V/v số" } },
      select: { registerNumber: true, subject: true },
    });
    expect(new Map(docs.map((d) => [d.registerNumber, d.subject]))).toEqual(new Map(registered.map((r) => [r.number, r.subject])));
    for (const cookie of sessions) expect(await isSignedIn(service.port, cookie)).toBe(true);
    await db.close();
    db = undefined;

    const verify = await edoc(["audit", "verify"]);
    expect(verify.stdout, verify.stderr).toMatch(/Audit log intact/);
    const code = JSON.parse((await edoc(["user", "link-code", "cvp", "--json"])).stdout) as { code: string };
    expect((await signIn(service.port, code.code)).ok).toBe(true);
    expect(service.output()).not.toContain('"level":50');
  });
});
