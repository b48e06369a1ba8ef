// The service and the CLI as a person runs them: real processes, embedded defaults, no environment.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatDateTime } from "../../core/time.ts";

// Each test has its own DATA_DIR (its own embedded database): none depends on what another left
// behind, so they pass in any order (the suite runs shuffled).
let dataDir: string;
const env = () => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, LOG_LEVEL: "info" });
const edoc = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["bin/edoc.js", ...args], { env: { ...env(), ...extra }, encoding: "utf8", timeout: 240_000 });

let service: ReturnType<typeof spawn> | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-cli-"));
});
afterEach(async () => {
  // A service left running by a failed test would keep writing into the directory removed here.
  if (service && service.exitCode === null && service.signalCode === null) {
    const gone = new Promise((resolve) => service!.once("exit", resolve));
    service.kill("SIGKILL");
    await gone;
  }
  service = undefined;
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
});

describe("edoc serve (npm start)", () => {
  it("starts on the embedded defaults, serves /healthz and /metrics, says which channels are off, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["bin/edoc.js", "serve"], { env: { ...env(), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
    service = child;
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no port in:\n${out}`)), 150_000);
      const check = () => {
        const m = /"port":(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        } else setTimeout(check, 100);
      };
      check();
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: "up", kind: "pglite" });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain("process_resident_memory_bytes");
    expect(out).toContain("set TELEGRAM_BOT_TOKEN to turn it on");
    expect(out).toContain("set ZALO_BOT_TOKEN to turn it on");
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(out).toContain('"msg":"stopped"');
  }, 400_000);

  it("refuses a bad configuration, naming the variable", { timeout: 400_000 }, () => {
    const r = edoc(["serve"], { HTTP_PORT: "eighty" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("HTTP_PORT must be a port number (0–65535)");
    const webhook = edoc(["serve"], { BOT_MODE: "webhook" });
    expect(webhook.status).not.toBe(0);
    expect(webhook.stderr).toContain("WEBHOOK_SECRET is required when BOT_MODE=webhook");
  });
});

describe("edoc CLI", () => {
  it("migrates (nothing the second time), imports the demo, issues link codes and verifies the audit log", () => {
    expect(edoc(["migrate"]).status).toBe(0);
    const again = edoc(["migrate"]);
    expect(again.stdout).toContain("Nothing to apply");
    const demo = edoc(["demo"]);
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/vanthu\s+[A-Z2-9]{4}-[A-Z2-9]{4}\s+Trần Thị Bình/);
    const code = edoc(["user", "link-code", "cvp", "--json"]);
    expect(JSON.parse(code.stdout)).toMatchObject({ user: "cvp", code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/) });
    const unknown = edoc(["user", "link-code", "nobody"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Không có người dùng mã nobody");
    const verify = edoc(["audit", "verify"]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact: \d+ event/);
  }, 400_000);

  it("names the first audit event that was edited or deleted", async () => {
    // Its own history: the demo organisation's import writes the audit events tampered with below.
    expect(edoc(["demo"]).status).toBe(0);
    expect(edoc(["audit", "verify"]).status).toBe(0);
    const { PGlite } = await import("@electric-sql/pglite");
    const tamper = async (sql: string) => {
      const db = await PGlite.create(path.join(dataDir, "pg"));
      await db.exec(sql);
      await db.close();
    };
    await tamper(`UPDATE "AuditEvent" SET "actorUserId" = 'someone-else' WHERE seq = 3`);
    const edited = edoc(["audit", "verify"]);
    expect(edited.status).toBe(1);
    expect(edited.stderr).toContain("Audit log broken at event #3: its content does not match its hash (edited)");
    await tamper(`DELETE FROM "AuditEvent" WHERE seq = 3`);
    const deleted = edoc(["audit", "verify"]);
    expect(deleted.status).toBe(1);
    expect(deleted.stderr).toContain("Audit log broken at event #4: it does not follow the previous event");
  }, 400_000);

  it("exits non-zero on a broken organisation file, naming the problem, and changes nothing", async () => {
    const file = path.join(dataDir, "broken.yaml");
    await writeFile(
      file,
      `organization: { name: "X", code: "BROKEN" }\nunits: [ { code: "A", name: "A", kind: OFFICE } ]\nusers: [ { code: "u", name: "U", unit: "NOPE", roles: [CLERK] } ]\n`,
    );
    expect(edoc(["migrate"]).status).toBe(0);
    const r = edoc(["org", "import", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('users[0] (code "u").unit: unknown unit "NOPE"');
    const u = edoc(["user", "link-code", "u"]);
    expect(u.status).toBe(1);
    expect(u.stderr).toContain("Không có người dùng mã u"); // nothing of the broken file was imported
  }, 400_000);
});

describe("edoc audit verify and the checkpoint (issue 16)", () => {
  // The CLI writes the checkpoint's time as people read it: in the office's zone (issue 22).
  const officeTime = (iso: string) => formatDateTime(new Date(iso), "Asia/Ho_Chi_Minh");
  // Its own DATA_DIR: independent of the tests above.
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-cli-audit-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = (args: string[]) => edoc(args, { DATA_DIR: dir });
  const sql = async <T>(text: string): Promise<T[]> => {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = await PGlite.create(path.join(dir, "pg"));
    try {
      return (await db.exec(text)).at(-1)?.rows as T[];
    } finally {
      await db.close();
    }
  };

  it("fails when the last events were deleted and says how many are missing, even after new events; an edited checkpoint is not authentic", async () => {
    expect(run(["demo"]).status).toBe(0);
    const checkpointFile = path.join(dir, "audit", "checkpoint.json");
    const stored = JSON.parse(await readFile(checkpointFile, "utf8")) as { latest: { seq: string; count: number; at: string } };
    const intact = run(["audit", "verify"]);
    expect(intact.status).toBe(0);
    expect(intact.stdout).toContain(`Audit log intact: ${stored.latest.count} event(s). It reaches the checkpoint of ${officeTime(stored.latest.at)} (#${stored.latest.seq}).`);

    // The incident: the last events of the table are gone. The chain that is left is valid.
    await sql(`DELETE FROM "AuditEvent" WHERE seq IN (SELECT seq FROM "AuditEvent" ORDER BY seq DESC LIMIT 3)`);
    const [left] = await sql<{ seq: number }>(`SELECT max(seq)::int AS seq FROM "AuditEvent"`);
    const missing = `Audit log cut off: 3 event(s) missing after #${left!.seq}: the checkpoint of ${officeTime(stored.latest.at)} recorded #${stored.latest.seq}`;
    const cut = run(["audit", "verify"]);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toContain(missing);

    // A command that appends (chaining onto what is left) does not move the checkpoint back over the gap.
    expect(run(["user", "link-code", "cvp"]).status).toBe(0);
    const after = run(["audit", "verify"]);
    expect(after.status).toBe(1);
    expect(after.stderr).toContain(missing);

    // Moving the checkpoint back by hand breaks its signature.
    const text = await readFile(checkpointFile, "utf8");
    await writeFile(checkpointFile, text.replace(`"seq": "${stored.latest.seq}"`, `"seq": "${left!.seq}"`));
    const forged = run(["audit", "verify"]);
    expect(forged.status).toBe(1);
    expect(forged.stderr).toContain(`The checkpoint file ${checkpointFile} is not authentic (its signature does not match`);
  }, 400_000);
});

describe("edoc calendar import", () => {
  it("imports a year of days off, and refuses a bad file naming the entry", async () => {
    const good = path.join(dataDir, "2028.yaml");
    await writeFile(good, `year: 2028\ndays:\n  - { date: "2028-01-01", kind: DAY_OFF, name: "Tết Dương lịch", source: "Bộ luật Lao động 2019, Điều 112" }\n`);
    const r = edoc(["calendar", "import", good]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Calendar 2028 imported: 1 day(s)");
    const bad = path.join(dataDir, "bad.yaml");
    await writeFile(bad, `year: 2028\ndays:\n  - { date: "2028-02-30", kind: DAY_OFF, name: "Sai", source: "x" }\n`);
    const b = edoc(["calendar", "import", bad]);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain("2028-02-30");
  }, 400_000);
});
