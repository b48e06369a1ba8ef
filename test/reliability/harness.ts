// Shared pieces of the reliability suite: the service as a real child process (`node bin/edoc.js
// serve`), a throwaway redis-server of our own, free ports, bounded waiting, and a large organisation.
// Everything talks to 127.0.0.1 only; every wait has a deadline.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, Socket } from "node:net";
import { DEFAULT_SETTINGS, silentLogger, type CoreDeps } from "../../core/deps.ts";
import { createMemoryFileStore } from "../../core/files/file-store.ts";
import type { FileStore } from "../../core/files/file-store.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { redeemLinkCode } from "../../core/identity/redeem-link-code.ts";
import { importOrganization } from "../../core/org/import-organization.ts";
import type { Db } from "../../core/store/client.ts";

// === Environment

/** The suite spawns services that share the test's database: that needs a PostgreSQL server. */
export const requirePostgres = (): void => {
  if (!process.env.DATABASE_URL)
    throw new Error("The reliability suite needs DATABASE_URL (a PostgreSQL server the spawned service can share): run it through scripts/test.sh or set DATABASE_URL.");
};

/** Real clock deps over a database (the spawned service uses the real clock too). */
export const realDeps = (prisma: Db, files: FileStore = createMemoryFileStore()): CoreDeps => ({
  prisma,
  logger: silentLogger,
  clock: { now: () => new Date() },
  files,
  settings: { ...DEFAULT_SETTINGS },
});

/** A port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a truthy value; fails after `timeoutMs` with `explain()`. */
export const waitUntil = async <T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeoutMs: number; what: string; everyMs?: number; explain?: () => string | Promise<string> },
): Promise<T> => {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${opts.explain ? `\n${await opts.explain()}` : ""}`);
    await sleep(opts.everyMs ?? 200);
  }
};

// === The service as a child process

export type ServeProcess = {
  child: ChildProcess;
  port: number;
  /** Everything the process printed (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
};

/**
 * Spawns `node bin/edoc.js serve` with exactly `env` (plus PATH and HOME) and waits until its HTTP
 * server listens. The developer's own configuration never leaks in.
 */
export const spawnServe = async (env: Record<string, string>, opts: { startTimeoutMs?: number; role?: "bots" | "jobs" | "all" } = {}): Promise<ServeProcess> => {
  const child = spawn(process.execPath, ["bin/edoc.js", "serve", ...(opts.role ? ["--role", opts.role] : [])], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "UTC", HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  let gone = false;
  void exited.then(() => (gone = true));
  const port = await waitUntil(
    () => {
      if (gone) throw new Error(`edoc serve exited before listening:\n${out}`);
      const m = /"port":(\d+),"healthz"/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    { timeoutMs: opts.startTimeoutMs ?? 90_000, what: "edoc serve to listen", explain: () => out },
  ).catch((err: unknown) => {
    child.kill("SIGKILL");
    throw err;
  });
  return {
    child,
    port,
    output: () => out,
    exited,
    stop: async (graceMs = 20_000) => {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
};

// === Our own Redis (never the machine's shared one)

export type OwnRedis = { port: number; url: string; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void> };

const portAnswers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(500);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
    s.connect(port, "127.0.0.1");
  });

/**
 * A throwaway `redis-server` on a free port (no persistence): `stop()` kills it (an outage: every key
 * is gone, as after a crash without persistence), `start()` brings an empty one back on the same port.
 */
export const startOwnRedis = async (): Promise<OwnRedis> => {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitUntil(() => portAnswers(port), { timeoutMs: 10_000, what: `redis-server on ${port}`, everyMs: 50 });
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGKILL");
    await gone;
    proc = null;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, close: stop };
};

// === A large organisation

export type BigOrg = { orgId: string; users: Record<string, string>; units: Record<string, string>; unitCodes: string[] };

export const unitCode = (i: number) => `U${String(i).padStart(3, "0")}`;

/**
 * An organisation with `n` departments U001…U00n, each with one head `head001`…, plus a leader
 * (`chutich`), a clerk (`vanthu`) and the office head `cvp` (UNIT_HEAD + MONITOR).
 */
export const importBigOrg = async (deps: CoreDeps, n: number): Promise<BigOrg> => {
  const units = ['  - { code: "LD", name: "Lãnh đạo UBND", kind: LEADERSHIP }', '  - { code: "VP", name: "Văn phòng UBND", kind: OFFICE }'];
  const users = [
    '  - { code: "chutich", name: "Nguyễn Văn An", unit: "LD", roles: [LEADER] }',
    '  - { code: "vanthu", name: "Trần Thị Bình", unit: "VP", roles: [CLERK] }',
    '  - { code: "cvp", name: "Lê Văn Cường", unit: "VP", roles: [UNIT_HEAD, MONITOR] }',
  ];
  for (let i = 1; i <= n; i++) {
    units.push(`  - { code: "${unitCode(i)}", name: "Phòng số ${i}", kind: DEPARTMENT }`);
    users.push(`  - { code: "head${String(i).padStart(3, "0")}", name: "Trưởng phòng ${i}", unit: "${unitCode(i)}", roles: [UNIT_HEAD] }`);
  }
  const text = `organization: { name: "UBND thử tải", code: "LOAD" }\nunits:\n${units.join("\n")}\nusers:\n${users.join("\n")}\npolicy: {}\n`;
  const { orgId } = await importOrganization(deps, { text });
  const u = await deps.prisma.user.findMany({ where: { orgId }, select: { id: true, code: true } });
  const un = await deps.prisma.unit.findMany({ where: { orgId }, select: { id: true, code: true } });
  return {
    orgId,
    users: Object.fromEntries(u.map((x) => [x.code, x.id])),
    units: Object.fromEntries(un.map((x) => [x.code, x.id])),
    unitCodes: Array.from({ length: n }, (_, i) => unitCode(i + 1)),
  };
};

/** Links a user's Telegram chat through core (issue a code, redeem it), as /start CODE does. */
export const linkTelegram = async (deps: CoreDeps, userCode: string, chatId: number): Promise<void> => {
  const { code } = await issueLinkCode(deps, { userCode });
  await redeemLinkCode(deps, { channel: "TELEGRAM", externalUserId: String(chatId), chatId: String(chatId), code });
};
