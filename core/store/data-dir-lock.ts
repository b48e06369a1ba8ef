// The embedded database has exactly one owner: the process that holds this lock on DATA_DIR/pg.
//
// The lock is a listening Unix socket in Linux's abstract namespace, named after the data directory's
// real path: binding it is atomic, and the kernel releases it the moment its process dies, so a crash
// (even kill -9) never leaves a stale lock. Elsewhere (no abstract namespace) a socket file inside the
// directory plays the same part, with a connect test to tell a live owner from a stale file.
// Beside it, `owner.json` says who holds it (pid, role, where its database socket is) so that a second
// process can name the holder and reach the database through it.
import { createHash } from "node:crypto";
import { mkdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

export type OwnerRole = "service" | "command";

export type OwnerInfo = {
  pid: number;
  role: OwnerRole;
  /** What runs, for people: "edoc serve", "edoc demo". */
  command: string;
  startedAt: string;
  /** Directory of the owner's PostgreSQL-protocol socket (services only). */
  socketDir?: string;
};

export type DataDirLock = { pgDir: string; info: OwnerInfo; setInfo(update: Partial<OwnerInfo>): Promise<void>; release(): Promise<void> };

export class DataDirLockedError extends Error {
  constructor(
    readonly pgDir: string,
    readonly owner: OwnerInfo | null,
  ) {
    super(
      owner
        ? `The embedded database in ${pgDir} is in use by another process: pid ${owner.pid} (${owner.command}, since ${owner.startedAt}).`
        : `The embedded database in ${pgDir} is in use by another process (it did not say which).`,
    );
    this.name = "DataDirLockedError";
  }
}

const ownerFile = (pgDir: string) => path.join(pgDir, "..", "run", "owner.json");

const listen = (server: net.Server, where: string): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") resolve(false);
      else reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(true);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(where);
  });

const answers = (where: string): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(where);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

/** The lock's address for a data directory. */
const lockAddress = async (pgDir: string): Promise<{ where: string; abstract: boolean }> => {
  const real = await realpath(pgDir);
  if (process.platform === "linux") return { where: `\0edoc-pglite-${createHash("sha256").update(real).digest("hex").slice(0, 40)}`, abstract: true };
  return { where: path.join(real, "..", "run", "owner.lock.sock"), abstract: false };
};

export const readOwnerInfo = async (pgDir: string): Promise<OwnerInfo | null> => {
  try {
    return JSON.parse(await readFile(ownerFile(pgDir), "utf8")) as OwnerInfo;
  } catch {
    return null;
  }
};

const writeOwnerInfo = async (pgDir: string, info: OwnerInfo): Promise<void> => {
  const file = ownerFile(pgDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
};

/** Takes the lock, or throws DataDirLockedError naming the holder. */
export const acquireDataDirLock = async (pgDir: string, who: { role: OwnerRole; command: string }): Promise<DataDirLock> => {
  await mkdir(pgDir, { recursive: true });
  await mkdir(path.join(pgDir, "..", "run"), { recursive: true, mode: 0o700 });
  const { where, abstract } = await lockAddress(pgDir);
  const server = net.createServer((s) => s.destroy());
  let got = await listen(server, where);
  if (!got && !abstract && !(await answers(where))) {
    await rm(where, { force: true }); // a stale socket file of a dead owner
    got = await listen(server, where);
  }
  if (!got) throw new DataDirLockedError(pgDir, await readOwnerInfo(pgDir));
  server.unref(); // the lock must not keep a finished command alive
  let info: OwnerInfo = { pid: process.pid, role: who.role, command: who.command, startedAt: new Date().toISOString() };
  await writeOwnerInfo(pgDir, info);
  let released = false;
  return {
    pgDir,
    get info() {
      return info;
    },
    setInfo: async (update) => {
      info = { ...info, ...update };
      await writeOwnerInfo(pgDir, info);
    },
    release: async () => {
      if (released) return;
      released = true;
      const current = await readOwnerInfo(pgDir);
      if (current?.pid === process.pid) await rm(ownerFile(pgDir), { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
