// Serves the owner's PGlite over the PostgreSQL wire protocol on a Unix socket, so that everything else
// that needs the embedded database (the `edoc` CLI beside a running service) reaches it through its one
// owner, with the same driver as PostgreSQL mode (pg / @prisma/adapter-pg).
//
// PGlite is one PostgreSQL session. The owner's own queries and transactions take PGlite's mutexes; a
// socket client takes the same two mutexes for one *busy period*: from its first message until the
// backend is idle again (ReadyForQuery 'I', nothing left in the client's buffer). A transaction or an
// extended-protocol exchange (Parse … Sync) therefore never interleaves with anybody else's, in either
// direction. A client that disconnects, or sits idle inside a transaction for too long, is rolled back.
import { mkdir, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";

/** Where a client connects: the directory for libpq/pg `host=`, and the socket file inside it. */
export const SOCKET_FILE = ".s.PGSQL.5432";

export type WireServerLog = { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };

export type WireServer = { socketDir: string; close(): Promise<void> };

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** A simple-protocol Query message. */
const queryMessage = (sql: string): Uint8Array => {
  const body = Buffer.from(`${sql}\0`, "utf8");
  const msg = Buffer.alloc(5 + body.length);
  msg.write("Q", 0, "latin1");
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
};
const SYNC_MESSAGE = Uint8Array.from([0x53, 0, 0, 0, 4]);

/** The transaction status of the last ReadyForQuery ('Z') in a chunk of backend output, if any. */
const lastReadyStatus = (out: Uint8Array): string | null => {
  let status: string | null = null;
  let i = 0;
  while (i + 5 <= out.length) {
    const type = out[i]!;
    const len = ((out[i + 1]! << 24) | (out[i + 2]! << 16) | (out[i + 3]! << 8) | out[i + 4]!) >>> 0;
    if (type === 0x5a && len === 5 && i + 6 <= out.length) status = String.fromCharCode(out[i + 5]!);
    i += 1 + len;
  }
  return status;
};

/** Holds PGlite's transaction and query mutexes until `release()` is called. */
const holdExclusive = (db: PGlite): Promise<() => void> =>
  new Promise((acquired) => {
    void db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(
        () =>
          new Promise<void>((release) => {
            acquired(() => release());
          }),
      ),
    );
  });

export type WireServerOptions = {
  /** A client idle inside a transaction (or mid-exchange) this long is rolled back and disconnected. @defaultValue 30 s */
  idleInBusyMs?: number;
  log?: WireServerLog;
};

export const startPgliteWireServer = async (db: PGlite, socketDir: string, opts: WireServerOptions = {}): Promise<WireServer> => {
  const idleInBusyMs = opts.idleInBusyMs ?? 30_000;
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  const socketPath = path.join(socketDir, SOCKET_FILE);
  await rm(socketPath, { force: true }); // a socket file left by a crashed owner (the lock says it is ours now)
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    let release: (() => void) | null = null;
    let working = false;
    let closed = false;
    let idleTimer: NodeJS.Timeout | null = null;

    const endBusy = async (rollback: boolean) => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      if (!release) return;
      if (rollback) {
        // Finish any half-sent extended exchange, then undo an open transaction (best effort: the
        // connection is being reset, and a failure here leaves nothing the next client would see).
        await db.execProtocolRaw(SYNC_MESSAGE).catch(() => undefined);
        if (db.isInTransaction()) await db.execProtocolRaw(queryMessage("ROLLBACK")).catch(() => undefined);
      }
      const r = release;
      release = null;
      r();
    };

    // A copy: PGlite may hand out a view of its reused output buffer.
    const write = (data: Uint8Array) => {
      if (data.length > 0 && !socket.destroyed) socket.write(Buffer.from(data));
    };

    const pump = async () => {
      if (working) return;
      working = true;
      try {
        for (;;) {
          if (closed) break;
          if (!started) {
            if (buffer.length < 8) break;
            const len = buffer.readInt32BE(0);
            if (buffer.length < len) break;
            const code = buffer.readInt32BE(4);
            const packet = buffer.subarray(0, len);
            buffer = buffer.subarray(len);
            if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
              write(Buffer.from("N")); // no TLS on a local socket
              continue;
            }
            if (code === CANCEL_REQUEST) {
              socket.end();
              break;
            }
            release ??= await holdExclusive(db);
            write(await db.execProtocolRaw(new Uint8Array(packet)));
            started = true;
            await endBusy(false);
            continue;
          }
          if (buffer.length < 5) break;
          const len = buffer.readInt32BE(1);
          if (buffer.length < 1 + len) break;
          const type = buffer[0];
          const message = buffer.subarray(0, 1 + len);
          buffer = buffer.subarray(1 + len);
          if (type === 0x58 /* Terminate */) {
            await endBusy(true);
            socket.end();
            break;
          }
          if (!release) release = await holdExclusive(db);
          if (idleTimer) clearTimeout(idleTimer);
          idleTimer = null;
          // execProtocolRaw, not the streaming variant: PGlite keeps a stream callback after the call,
          // and would then hand the owner's own later output to this socket.
          const out = await db.execProtocolRaw(new Uint8Array(message));
          const status = lastReadyStatus(out);
          write(out);
          // Idle again and nothing more queued from this client: let the owner (and others) in.
          if (status === "I" && buffer.length === 0) await endBusy(false);
        }
      } catch (err) {
        opts.log?.warn({ err }, "embedded database socket: a client's message failed; closing its connection");
        socket.destroy();
      } finally {
        working = false;
      }
      if (release && !idleTimer && !closed) {
        idleTimer = setTimeout(() => {
          opts.log?.warn({ idleInBusyMs }, "embedded database socket: a client stayed idle inside a transaction; rolled back and disconnected");
          socket.destroy();
        }, idleInBusyMs);
      }
    };

    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      void pump();
    });
    const onGone = () => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      // Wait for a message in progress, then roll back whatever the client left open.
      const finish = async () => {
        while (working) await new Promise((r) => setTimeout(r, 5));
        await endBusy(true);
      };
      void finish();
    };
    socket.on("close", onGone);
    socket.on("error", onGone);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  opts.log?.debug({ socketPath }, "embedded database served on a local socket");
  return {
    socketDir,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
};
