// The database factory: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set, otherwise
// PGlite (PostgreSQL compiled to WASM, in-process) with its data in DATA_DIR/pg. One schema, one
// migration history, one SQL dialect.
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { acquireDataDirLock, DataDirLockedError, readOwnerInfo, type DataDirLock, type OwnerRole } from "./data-dir-lock.ts";
import { attachDirectSql } from "./direct-sql.ts";
import { initPgliteDataDir, PGLITE_OPTIONS } from "./pglite-options.ts";
import { migrate, type MigrateResult } from "./migrate.ts";
import { startPgliteWireServer, type WireServer, type WireServerLog } from "./pglite-wire-server.ts";
import { pgClientRunner, pgliteRunner, type SqlRunner } from "./sql.ts";

export type Db = PrismaClient;

export type Database = {
  prisma: PrismaClient;
  kind: "postgres" | "pglite";
  /** How this process reaches the database: its own connection, or through the embedded database's owner. */
  via: "postgres" | "pglite" | "owner";
  /** With `via: "owner"`: the process that owns the embedded database. */
  owner?: { pid: number; command: string };
  /** Opens a raw SQL session (its own connection on PostgreSQL); close it when done. */
  openSql(): Promise<SqlRunner>;
  /** Checks the database answers a real query (throws with the reason when it does not). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** PostgreSQL connection string; unset → PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory parent: the data goes to `<dataDir>/pg`. Ignored with databaseUrl. */
  dataDir?: string;
  /** An already open PGlite (tests load a migrated snapshot into memory). */
  pglite?: PGlite;
  /** Run migrations on open. @defaultValue true */
  migrate?: boolean;
  /** Largest PostgreSQL pool. @defaultValue 10 */
  poolSize?: number;
  /** How long a transaction may wait to start, and run (Prisma's maxWait and timeout). @defaultValue Prisma's (2 s, 5 s) */
  transactionWaitMs?: number;
  onMigrated?: (result: MigrateResult) => void;
  /**
   * Who opens the embedded database in `dataDir` (ignored with databaseUrl or pglite). A `service` owns it:
   * it takes the data directory's lock (refusing when another service holds it) and serves it to other
   * processes on a local socket. A `command` owns it while it runs when nobody else does; beside a running
   * service it goes through that service's socket. @defaultValue { role: "command", command: "edoc" }
   */
  owner?: { role: OwnerRole; command: string; log?: WireServerLog & { info(obj: object, msg: string): void } };
  /** How long to wait for a `command` that holds the embedded database to finish, or for a starting service. @defaultValue 60 s */
  lockWaitMs?: number;
};

/** A real read of the schema's bookkeeping: answers only when the database is there and migrated. */
const PING_SQL = `SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;

const openPostgres = async (url: string, opts: OpenDatabaseOptions, { sharedSession = false }: { sharedSession?: boolean } = {}): Promise<Database> => {
  const openSql = async (): Promise<SqlRunner> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return pgClientRunner(client);
  };
  if (opts.migrate !== false) {
    const runner = await openSql();
    try {
      opts.onMigrated?.(await migrate(runner));
    } finally {
      await runner.close();
    }
  }
  // One pool for Prisma's adapter and the hot statements sent directly (core/store/direct-sql.ts);
  // the adapter ends it on $disconnect.
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // An idle connection the server ends (restart, a dropped database) is removed from the pool and
  // replaced on the next query; the pool's 'error' event must have a listener or it kills the
  // process, also after $disconnect (pool.end() resolves before the sockets close).
  pool.on("error", () => {});
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter, ...(opts.transactionWaitMs ? { transactionOptions: { maxWait: opts.transactionWaitMs, timeout: opts.transactionWaitMs } } : {}) });
  attachDirectSql(prisma, pool, { sharedSession });
  return {
    prisma,
    kind: "postgres",
    via: "postgres",
    openSql,
    ping: async () => {
      await prisma.$queryRawUnsafe(PING_SQL);
      return true;
    },
    close: async () => {
      await prisma.$disconnect();
    },
  };
};

/** The socket directory of an owner of `dataDir` (short enough for a Unix socket path). */
const socketDirFor = (dataDir: string): string => {
  const dir = path.join(dataDir, "run");
  if (Buffer.byteLength(path.join(dir, ".s.PGSQL.5432")) < 100) return dir;
  return path.join(os.tmpdir(), `edoc-${createHash("sha256").update(dataDir).digest("hex").slice(0, 16)}`);
};

/** The embedded database, opened by its owner (this process). */
const openOwnedPglite = async (opts: OpenDatabaseOptions, pglite: PGlite, close: () => Promise<void>): Promise<Database> => {
  if (opts.migrate !== false) {
    const migrated = await migrate(pgliteRunner(pglite));
    // PGlite learns the array types (Role[] and other enum arrays) when it opens: types the
    // migrations just created are unknown until refreshed, and array parameters then fail with
    // "malformed array literal" (found by test/app/service-telegram.db.test.ts on a fresh DATA_DIR).
    if (migrated.applied.length > 0) await pglite.refreshArrayTypes();
    opts.onMigrated?.(migrated);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: "pglite",
    via: "pglite",
    // PGlite is a single session: the runner shares it (and must not close it).
    openSql: async () => pgliteRunner(pglite),
    ping: async () => {
      await pglite.query(PING_SQL);
      return true;
    },
    close: async () => {
      await prisma.$disconnect();
      await close();
    },
  };
};

const openPglite = async (opts: OpenDatabaseOptions): Promise<Database> => {
  if (opts.pglite) {
    const given = opts.pglite;
    return openOwnedPglite(opts, given, async () => undefined);
  }
  const dataDir = path.resolve(opts.dataDir ?? "./data");
  const dir = path.join(dataDir, "pg");
  await mkdir(dir, { recursive: true });
  const who = opts.owner ?? { role: "command" as const, command: "edoc" };
  const deadline = Date.now() + (opts.lockWaitMs ?? 60_000);
  let lock: DataDirLock;
  for (;;) {
    try {
      lock = await acquireDataDirLock(dir, who);
      break;
    } catch (err) {
      if (!(err instanceof DataDirLockedError)) throw err;
      const owner = err.owner ?? (await readOwnerInfo(dir));
      // Beside a running service, a command reaches the database through the service.
      if (who.role === "command" && owner?.role === "service" && owner.socketDir) return openThroughOwner(opts, owner.socketDir, owner);
      // Another command holds it for a moment, or the service is still starting: wait. A second service is refused.
      const waits = owner?.role === "command" || (who.role === "command" && owner?.role === "service");
      if (!waits || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  let pglite: PGlite | undefined;
  let wire: WireServer | undefined;
  try {
    // Durability, as PGlite behaves (0.4): with relaxedDurability off a query returns only after its
    // writes reached the files, and its file system writes straight through to the operating system
    // (nothing is cached inside the process), so a committed write survives a kill -9 of the service
    // (test/reliability/embedded-crash.test.ts). It cannot fsync (its file layer has none), so a power
    // cut may lose the last writes: PostgreSQL (DATABASE_URL) is the answer where that matters.
    if (await initPgliteDataDir(dir)) who.log?.info({ dataDir }, "embedded database created");
    pglite = await PGlite.create(dir, PGLITE_OPTIONS);
    const db = await openOwnedPglite(opts, pglite, async () => {
      await wire?.close();
      await pglite!.close();
      await lock.release();
    });
    if (who.role === "service") {
      wire = await startPgliteWireServer(pglite, socketDirFor(dataDir), { log: who.log });
      await lock.setInfo({ socketDir: wire.socketDir });
    }
    return db;
  } catch (err) {
    // Best-effort cleanup of a failed open: the open's own error is the one thrown.
    await wire?.close().catch(() => undefined);
    await pglite?.close().catch(() => undefined);
    await lock.release();
    throw err;
  }
};

/** A command beside a running service: the same PostgreSQL driver, over the owner's local socket. */
const openThroughOwner = async (opts: OpenDatabaseOptions, socketDir: string, owner: { pid: number; command: string }): Promise<Database> => {
  const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
  // The owner runs one statement at a time, and a transaction holds it until it ends: transactions queue
  // behind each other (and behind the service's own), so they may wait longer than Prisma's 2 s to start.
  // Its connections share the owner's one PGlite session: hot statements go unnamed (direct-sql.ts).
  const db = await openPostgres(url, { ...opts, poolSize: 4, transactionWaitMs: 60_000 }, { sharedSession: true });
  return { ...db, kind: "pglite", via: "owner", owner: { pid: owner.pid, command: owner.command } };
};

/** Opens the configured database and (by default) applies pending migrations. */
export const openDatabase = async (opts: OpenDatabaseOptions = {}): Promise<Database> => (opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPglite(opts));
