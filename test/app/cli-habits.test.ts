// The `edoc` command as an operator meets it (issue 22): every command's usage on --help, a mistyped
// command answered with that usage (exit 2, no stack), start-up failures in one line that names the
// variable and change nothing, times in the office's zone, logs pretty on a terminal and JSON in a pipe.
// Real processes (node bin/edoc.js), TZ=UTC so that the office's zone (Asia/Ho_Chi_Minh) differs.
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDateTime } from "../../core/time.ts";

type Result = { status: number | null; stdout: string; stderr: string };

/** `edoc ARGS` with exactly `env` (plus PATH, HOME, TZ=UTC); killed after `timeoutMs` (a hang fails, it does not block). */
const run = (command: string, args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<Result> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "UTC", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "edoc-cli-habits-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 5 });
});

const edoc = (dir: string, args: string[], extra: Record<string, string> = {}) =>
  run(process.execPath, ["bin/edoc.js", ...args], { DATA_DIR: path.join(root, dir), LOG_LEVEL: "warn", ...extra });
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const NO_STACK = /\n\s+at /;

/** A port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe("edoc --help and mistyped commands", () => {
  it("lists every command; each answers --help and -h with its usage, and an unknown option with the same usage, exit 2, running nothing", async () => {
    const help = await edoc("help", ["--help"]);
    expect(help.status).toBe(0);
    const names = [...help.stdout.split("\nCommands:\n")[1]!.matchAll(/^ {2}([a-z-]+) {2,}\S/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(["serve", "migrate", "org", "user", "audit", "calendar", "demo", "report", "archive", "document"]));
    expect((await edoc("help", ["help"])).stdout).toBe(help.stdout);
    const none = await edoc("help", []);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("Commands:");

    for (const name of names) {
      const [long, short, typo] = await Promise.all([edoc("help", [name, "--help"]), edoc("help", [name, "-h"]), edoc("help", [name, "--no-such-option"])]);
      expect(long.status, name).toBe(0);
      expect(long.stdout, name).toMatch(new RegExp(`^Usage:\\n {2}edoc ${name}\\b`));
      expect(short.stdout, name).toBe(long.stdout);
      expect(typo.status, name).toBe(2);
      expect(typo.stderr, name).toContain("Unknown option '--no-such-option'");
      expect(typo.stderr, name).toContain(long.stdout.trim());
      expect(typo.stderr, name).not.toMatch(NO_STACK);
      expect(typo.stdout, name).toBe(""); // the command did not run
    }
    // A mistyped command ran nothing: no database was created.
    expect(await exists(path.join(root, "help", "pg"))).toBe(false);
  }, 400_000);

  it("answers a missing or extra argument with the command's usage, exit 2", async () => {
    const cases: Array<[string[], string]> = [
      [["org", "import"], "Missing FILE."],
      [["org"], 'Missing "import".'],
      [["user", "link-code"], "Missing USER."],
      [["user", "frob", "x"], 'Unknown subcommand "frob".'],
      [["calendar", "import", "a.yaml", "b.yaml"], 'Unexpected argument "b.yaml".'],
      [["migrate", "now"], 'Unexpected argument "now".'],
      [["serve", "--role", "everything"], 'Unknown role "everything".'],
    ];
    for (const [args, problem] of cases) {
      const [r, help] = await Promise.all([edoc("args", args), edoc("args", [args[0]!, "--help"])]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toBe(`${problem}\n\n${help.stdout}`);
    }
    expect(await exists(path.join(root, "args", "pg"))).toBe(false);
  }, 400_000);
});

describe("start-up failures: one line naming the variable, nothing changed", () => {
  it("a port in use names HTTP_PORT and creates no DATA_DIR", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await edoc("port", ["serve"], { HTTP_PORT: String(port), HTTP_HOST: "127.0.0.1" });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`HTTP_PORT ${port}: the port is already in use on 127.0.0.1 (is edoc already running?). Stop what uses it, or set HTTP_PORT to a free port.\n`);
      expect(await exists(path.join(root, "port"))).toBe(false);
    } finally {
      busy.close();
    }
  }, 200_000);

  it("an unreachable REDIS_URL names it with host:port and what to do, and creates no DATA_DIR", async () => {
    const port = await closedPort();
    const r = await edoc("redis", ["serve"], { HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `REDIS_URL: cannot connect to Redis at 127.0.0.1:${port} (ECONNREFUSED). Check that Redis runs and the URL is right, or unset REDIS_URL to run the jobs in-process.\n`,
    );
    expect(await exists(path.join(root, "redis"))).toBe(false);
  }, 200_000);

  it("an unreachable DATABASE_URL names it in one line, and creates no DATA_DIR", async () => {
    const port = await closedPort();
    const r = await edoc("pg", ["serve"], { HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/edoc` });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^DATABASE_URL: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/edoc \\(.+\\)\\. Check that the server runs and the URL is right\\.\\n$`),
    );
    expect(await exists(path.join(root, "pg"))).toBe(false);
  }, 200_000);
});

describe("times and logs", () => {
  it("prints a link code's expiry, and the demo's, in the office's time (HH:mm dd/mm/yyyy)", async () => {
    const demo = await edoc("time", ["demo"]);
    expect(demo.status).toBe(0);
    const demoUntil = /valid until (\d{2}:\d{2} \d{2}\/\d{2}\/\d{4})/.exec(demo.stdout)?.[1];
    const r = await edoc("time", ["user", "link-code", "cvp"]);
    expect(r.status).toBe(0);
    const until = /valid until (\d{2}:\d{2} \d{2}\/\d{2}\/\d{4})\)/.exec(r.stdout)?.[1];
    const { PGlite } = await import("@electric-sql/pglite");
    const db = await PGlite.create(path.join(root, "time", "pg"));
    try {
      const rows = (await db.query<{ code: string; expiresAt: Date }>(`SELECT u.code, l."expiresAt" FROM "LinkCode" l JOIN "User" u ON u.id = l."userId" ORDER BY l."createdAt"`))
        .rows;
      const last = rows.at(-1)!;
      expect(last.code).toBe("cvp");
      expect(until).toBe(formatDateTime(new Date(last.expiresAt), "Asia/Ho_Chi_Minh"));
      expect(demoUntil).toBe(formatDateTime(new Date(rows[0]!.expiresAt), "Asia/Ho_Chi_Minh"));
    } finally {
      await db.close();
    }
  }, 400_000);

  it("logs JSON into a pipe or with LOG_FORMAT=json, pretty lines on a terminal or with LOG_FORMAT=pretty", async () => {
    // A first command on an empty DATA_DIR logs "embedded database created" at info (whether the
    // migrated template was copied or the directory was created and migrated).
    const logs = (dir: string, extra: Record<string, string> = {}) => edoc(dir, ["user", "link-code", "nobody"], { LOG_LEVEL: "info", ...extra });
    const [piped, json, pretty] = await Promise.all([logs("log-pipe"), logs("log-json", { LOG_FORMAT: "json" }), logs("log-pretty", { LOG_FORMAT: "pretty" })]);
    for (const r of [piped, json])
      expect(
        r.stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { msg: string })
          .map((l) => l.msg),
      ).toContain("embedded database created");
    expect(pretty.stdout).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: embedded database created$/m);
    expect(pretty.stdout).not.toMatch(/^\{/m);
    // A terminal: `script` runs the command on a pseudo-terminal (util-linux, part of every Debian).
    const dataDir = path.join(root, "log-tty");
    const tty = await run("script", ["-qec", `${JSON.stringify(process.execPath)} bin/edoc.js user link-code nobody`, "/dev/null"], { DATA_DIR: dataDir, LOG_LEVEL: "info" });
    // eslint-disable-next-line no-control-regex -- the terminal's colour codes (ESC [ … m) are what is stripped
    const plain = tty.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    expect(plain).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: embedded database created\r?$/m);
    expect(plain).not.toMatch(/^\{"level"/m);
  }, 400_000);
});
