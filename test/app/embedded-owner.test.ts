// The embedded database has one owner (issue 16): the README's quick start as a newcomer runs it — the
// service in one terminal, `npx edoc …` in another — loses nothing, and a second service is refused.
// Real processes, embedded defaults (PGlite in DATA_DIR), no other environment.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSignedIn, runEdoc, signInWithCode } from "../support/edoc-process.ts";

const env = (dataDir: string) => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, LOG_LEVEL: "info", TZ: "UTC" });
const edoc = (dataDir: string, args: string[], extra: Record<string, string> = {}) => runEdoc(args, { DATA_DIR: dataDir, LOG_LEVEL: "info", ...extra });

type Service = { child: ChildProcess; port: number; output(): string; exited: Promise<number | null> };

const startService = async (dataDir: string): Promise<Service> => {
  const child = spawn(process.execPath, ["bin/edoc.js", "serve"], { env: { ...env(dataDir), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not listen:\n${out}`)), 90_000);
    const check = () => {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`the service exited:\n${out}`));
      } else setTimeout(check, 100);
    };
    check();
  });
  return { child, port, output: () => out, exited };
};

const stopService = async (s: Service) => {
  s.child.kill("SIGTERM");
  expect(await s.exited).toBe(0);
};

const signIn = signInWithCode;

const codeOf = (stdout: string, user: string) => new RegExp(`${user.replace(".", "\\.")}\\s+([A-Z2-9]{4}-[A-Z2-9]{4})`).exec(stdout)?.[1];

const NEW_UNIT_FILE = `organization: { name: "UBND thành phố Quy Nhơn", code: "UBND", timeZone: "Asia/Ho_Chi_Minh" }
units:
  - { code: "KT", name: "Phòng Kinh tế", kind: DEPARTMENT }
users:
  - { code: "tp.kt", name: "Đặng Văn Phúc", title: "Trưởng phòng", unit: "KT", roles: [UNIT_HEAD] }
`;
const CALENDAR_FILE = `year: 2028\ndays:\n  - { date: "2028-01-01", kind: DAY_OFF, name: "Tết Dương lịch", source: "Bộ luật Lao động 2019, Điều 112" }\n`;

/** Row counts of what the commands write, read by the owner of a stopped DATA_DIR. */
const countRows = async (dataDir: string) => {
  const { openDatabase } = await import("../../core/store/client.ts");
  const db = await openDatabase({ dataDir });
  try {
    const p = db.prisma;
    return {
      organizations: await p.organization.count(),
      units: await p.unit.count(),
      users: await p.user.count(),
      linkCodes: await p.linkCode.count(),
      calendarDays: await p.calendarDay.count(),
    };
  } finally {
    await db.close();
  }
};

/** Every command of the README, in the order a newcomer would run them. */
const runCommands = async (dataDir: string) => {
  const files = path.join(dataDir, "..", `${path.basename(dataDir)}-files`);
  await rm(files, { recursive: true, force: true });
  await import("node:fs/promises").then((fs) => fs.mkdir(files, { recursive: true }));
  await writeFile(path.join(files, "kt.yaml"), NEW_UNIT_FILE);
  await writeFile(path.join(files, "2028.yaml"), CALENDAR_FILE);
  const r = {
    migrate: await edoc(dataDir, ["migrate"]),
    demo: await edoc(dataDir, ["demo"]),
    orgImport: await edoc(dataDir, ["org", "import", path.join(files, "kt.yaml")]),
    linkCode: await edoc(dataDir, ["user", "link-code", "tp.kt", "--json"]),
    logout: await edoc(dataDir, ["user", "logout", "vanthu"]),
    calendar: await edoc(dataDir, ["calendar", "import", path.join(files, "2028.yaml")]),
    audit: await edoc(dataDir, ["audit", "verify"]),
    report: await edoc(dataDir, ["report", "register", "--type", "in", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv", "--out", path.join(files, "so-den.csv")]),
    archive: await edoc(dataDir, ["archive", "list", "--year", "2026"]),
  };
  return { r, files };
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "edoc-owner-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the embedded database beside a running service", () => {
  it("runs every CLI command through the service: effects visible at once and after a restart, row counts as with the service stopped", async () => {
    // Baseline: the same commands with no service running.
    const quiet = path.join(root, "quiet");
    const baseline = await runCommands(quiet);
    for (const [name, r] of Object.entries(baseline.r)) expect(r.status, `${name} (no service): ${r.stderr}`).toBe(0);
    const expected = await countRows(quiet);

    const dataDir = path.join(root, "busy");
    const service = await startService(dataDir);
    try {
      const { r, files } = await runCommands(dataDir);
      for (const [name, res] of Object.entries(r)) expect(res.status, `${name}: ${res.stderr}`).toBe(0);
      // The service sees the writes at once: the demo's codes sign in (the incident: every sign-in failed),
      // and a person of the unit just imported signs in with the code just issued.
      const clerk = await signIn(service.port, codeOf(r.demo.stdout, "chutich")!);
      expect(clerk.status).toBe(200);
      expect(clerk.body.user?.name).toBe("Nguyễn Văn An");
      const newcomer = await signIn(service.port, (JSON.parse(r.linkCode.stdout) as { code: string }).code);
      expect(newcomer.status).toBe(200);
      expect(newcomer.body.user).toMatchObject({ name: "Đặng Văn Phúc", unitCode: "KT" });

      expect(r.migrate.stdout).toContain("Nothing to apply");
      expect(r.migrate.stdout).toContain(`The running service, pid ${service.child.pid}, owns the embedded database`);
      expect(r.demo.stdout).toContain("Demo organisation imported (units 13 new, users 13 new)");
      expect(r.orgImport.stdout).toContain("units 1 new");
      expect(r.calendar.stdout).toContain("Calendar 2028 imported: 1 day(s)");
      expect(r.audit.stdout).toMatch(/Audit log intact: \d+ event/);
      expect((await stat(path.join(files, "so-den.csv"))).size).toBeGreaterThan(0);
      // Same output as without the service (codes aside).
      expect(r.orgImport.stdout).toBe(baseline.r.orgImport.stdout);
      expect(r.calendar.stdout).toBe(baseline.r.calendar.stdout);

      // `user logout` beside the service ends a session the service issued.
      const vanthu = await signIn(service.port, codeOf(r.demo.stdout, "vanthu")!);
      expect(vanthu.status).toBe(200);
      expect(await isSignedIn(service.port, vanthu.cookie)).toBe(true);
      const logout = await edoc(dataDir, ["user", "logout", "vanthu"]);
      expect(logout.stdout).toContain("1 session(s) revoked");
      expect(await isSignedIn(service.port, vanthu.cookie)).toBe(false);

      // A second service on the same DATA_DIR is refused, naming both, and the first keeps working.
      const second = await edoc(dataDir, ["serve"], { HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" });
      expect(second.status).not.toBe(0);
      expect(second.stderr).toContain(`DATA_DIR ${dataDir} is already in use by a running edoc service: pid ${service.child.pid}`);
      const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, database: "up" });
      expect(service.output()).not.toContain('"level":50');
    } finally {
      await stopService(service);
    }
    const counts = await countRows(dataDir);
    expect(counts).toEqual(expected);
    expect((await edoc(dataDir, ["audit", "verify"])).stdout).toMatch(/Audit log intact/);

    // After a restart everything is still there: the imported person signs in with a fresh code.
    const again = await startService(dataDir);
    try {
      const code = JSON.parse((await edoc(dataDir, ["user", "link-code", "tp.kt", "--json"])).stdout) as { code: string };
      expect((await signIn(again.port, code.code)).status).toBe(200);
    } finally {
      await stopService(again);
    }
  }, 600_000);
});

describe("edoc --help and mistyped options", () => {
  it("answers every command's --help with its usage, and a mistyped option with the usage, never a stack", async () => {
    const dataDir = path.join(root, "help");
    const help = await edoc(dataDir, ["report", "register", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("edoc report register --type in|out|tracking");
    for (const name of ["serve", "migrate", "org", "user", "audit", "calendar", "demo", "archive"]) {
      const r = await edoc(dataDir, [name, "--help"]);
      expect(r.status, name).toBe(0);
      expect(r.stdout, name).toContain(`edoc ${name}`);
    }
    const typo = await edoc(dataDir, ["report", "register", "--tpye", "in"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("Unknown option '--tpye'");
    expect(typo.stderr).toContain("Usage:");
    expect(typo.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);

  it("answers a port in use and an unreachable DATABASE_URL with one line naming the variable", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await edoc(path.join(root, "port"), ["serve"], { HTTP_PORT: String(port), HTTP_HOST: "127.0.0.1", LOG_LEVEL: "warn" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`HTTP_PORT ${port}: the port is already in use`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      busy.close();
    }
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const db = await edoc(path.join(root, "pgdown"), ["serve"], { DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/edoc`, LOG_LEVEL: "warn" });
    expect(db.status).toBe(1);
    expect(db.stderr).toContain(`DATABASE_URL: cannot connect to PostgreSQL at 127.0.0.1:${closed}/edoc`);
    expect(db.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
