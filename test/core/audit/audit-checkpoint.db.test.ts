// Issue 16, "a cut-off audit log is caught": the chain's head is checkpointed in a signed file outside
// the database; verify compares the table with it and names how many events are missing.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appendAuditEvent } from "../../../core/audit/append-audit-event.ts";
import {
  createAuditCheckpointer,
  readAuditHead,
  signCheckpoints,
  withAuditCommitHook,
  type AuditCheckpointStore,
  type CheckpointOutcome,
} from "../../../core/audit/audit-checkpoint.ts";
import { createFileCheckpointStore } from "../../../core/audit/checkpoint-file-store.ts";
import { linkAuditChain } from "../../../core/audit/link-audit-chain.ts";
import { verifyAuditChain } from "../../../core/audit/verify-audit-chain.ts";
import type { Db } from "../../../core/store/client.ts";
import { createTestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

const SECRET = "test-audit-checkpoint-secret-0123456789";
let dir: string;
let file: string;
beforeEach(async () => {
  await db.truncate();
  dir = await mkdtemp(path.join(os.tmpdir(), "edoc-checkpoint-"));
  file = path.join(dir, "audit", "checkpoint.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sql = async (text: string) => {
  const runner = await db.openSql();
  try {
    await runner.exec(text);
  } finally {
    if (db.kind === "postgres") await runner.close();
  }
};

const append = (prisma: Db, n: number) =>
  prisma.$transaction((tx) =>
    appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(Date.UTC(2026, 11, 1, 0, n)), entityType: "Assignment", entityId: `a${n}`, data: { n } }),
  );

/** A file store that counts its saves. */
const countingStore = (secret = SECRET) => {
  const inner = createFileCheckpointStore({ file, secret });
  const store: AuditCheckpointStore & { saves: number } = {
    saves: 0,
    location: inner.location,
    load: () => inner.load(),
    save: async (latest, history) => {
      store.saves++;
      await inner.save(latest, history);
    },
  };
  return store;
};

/** The service's wiring: hooked client + checkpointer. The timer never fires in a test: `close()`/`checkpoint()` write. */
const wire = (store: AuditCheckpointStore) => {
  const problems: CheckpointOutcome[] = [];
  const checkpointer = createAuditCheckpointer({ db: db.prisma, store, clock: createTestClock("2026-12-06T01:00:00Z"), delayMs: 3_600_000, onProblem: (o) => problems.push(o) });
  return { checkpointer, problems, prisma: withAuditCommitHook(db.prisma, checkpointer.afterCommit) };
};

const storedFile = async () => JSON.parse(await readFile(file, "utf8")) as { latest: { seq: string; hash: string; count: number; at: string }; history: unknown[]; mac: string };

describe("the commit hook", () => {
  it("calls afterCommit once per committed transaction that appended events, and for nothing else", async () => {
    let calls = 0;
    const prisma = withAuditCommitHook(db.prisma, () => calls++);
    await append(prisma, 1);
    expect(calls).toBe(1);
    // A transaction without audit events, a read, an array transaction: no call.
    await prisma.$transaction((tx) => tx.auditEvent.count());
    await prisma.auditEvent.findMany();
    await prisma.$transaction([prisma.auditEvent.count()]);
    expect(calls).toBe(1);
    // Rolled back after appending: no call, and the error reaches the caller unchanged.
    const boom = new Error("boom");
    await expect(
      prisma.$transaction(async (tx) => {
        await appendAuditEvent(tx, { type: "action.refused", at: new Date(), entityType: "Action" });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(await prisma.auditEvent.count()).toBe(1);
    // A throwing hook never fails the committed change.
    const throwing = withAuditCommitHook(db.prisma, () => {
      throw new Error("hook");
    });
    await append(throwing, 2);
    expect(await db.prisma.auditEvent.count()).toBe(2);
  });

  it("coalesces a burst of commits into one write of the head", async () => {
    const store = countingStore();
    const { checkpointer, prisma } = wire(store);
    for (let n = 1; n <= 8; n++) await append(prisma, n);
    expect(store.saves).toBe(0);
    await checkpointer.close();
    expect(store.saves).toBe(1);
    const head = await readAuditHead(db.prisma);
    expect(await storedFile()).toMatchObject({ latest: { seq: String(head!.seq), hash: head!.hash, count: 8, at: "2026-12-06T01:00:00.000Z" }, history: [] });
    // Closed: later commits are not checkpointed by it.
    await append(prisma, 9);
    expect(store.saves).toBe(1);
  });

  it("keeps the latest checkpoint plus a short history, newest first, and writes nothing when the head did not move", async () => {
    const store = countingStore();
    const { checkpointer, prisma } = wire(store);
    for (let n = 1; n <= 12; n++) {
      await append(prisma, n);
      expect(await checkpointer.checkpoint()).toMatchObject({ status: "written", checkpoint: { seq: String(n), count: n } });
    }
    expect(await checkpointer.checkpoint()).toEqual({ status: "unchanged" });
    expect(store.saves).toBe(12);
    const stored = await storedFile();
    expect(stored.latest.seq).toBe("12");
    expect((stored.history as Array<{ seq: string }>).map((c) => c.seq)).toEqual(["11", "10", "9", "8", "7", "6", "5", "4", "3"]);
  });

  it("a store that cannot write fails neither the commit nor the caller: the failure is reported once", async () => {
    const failing: AuditCheckpointStore = {
      location: file,
      load: async () => ({ status: "none" }),
      save: async () => {
        throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      },
    };
    const { checkpointer, prisma, problems } = wire(failing);
    await append(prisma, 1);
    await append(prisma, 2);
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "failed" });
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "failed" });
    await checkpointer.close();
    expect(problems).toHaveLength(1);
    expect(await db.prisma.auditEvent.count()).toBe(2);
  });
});

describe("verify against the checkpoint", () => {
  it("with no checkpoint yet verifies the chain as before and says so, without looking for a key", async () => {
    for (let n = 1; n <= 3; n++) await append(db.prisma, n);
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toEqual({ ok: true, count: 3, checkpoint: { status: "none", location: file } });
    const asked: boolean[] = [];
    const lazy = createFileCheckpointStore({ file, secret: async ({ create }) => (asked.push(create), null) });
    expect(await verifyAuditChain(db.prisma, { checkpoints: lazy })).toMatchObject({ ok: true, checkpoint: { status: "none" } });
    expect(asked).toEqual([]);
  });

  it("an intact log reaches its checkpoint", async () => {
    const { checkpointer, prisma } = wire(countingStore());
    for (let n = 1; n <= 5; n++) await append(prisma, n);
    await checkpointer.close();
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({
      ok: true,
      count: 5,
      checkpoint: { status: "matched", checkpoint: { seq: "5", count: 5 } },
    });
  });

  it("a cut-off tail fails, naming how many events are missing after which one; later appends do not hide it", async () => {
    const store = countingStore();
    const { checkpointer, prisma, problems } = wire(store);
    for (let n = 1; n <= 10; n++) await append(prisma, n);
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "written", checkpoint: { seq: "10", count: 10 } });
    // Without the checkpoint, the shortened chain would look intact.
    await sql(`DELETE FROM "AuditEvent" WHERE seq > 7`);
    expect(await verifyAuditChain(db.prisma)).toEqual({ ok: true, count: 7 });

    const cut = await verifyAuditChain(db.prisma, { checkpoints: store });
    expect(cut).toMatchObject({
      ok: false,
      count: 7,
      reason: "checkpoint",
      checkpoint: { status: "missing", missing: 3, lastSeq: 7n, checkpoint: { seq: "10", at: "2026-12-06T01:00:00.000Z" } },
    });

    // The service keeps writing: the new events chain onto #7, but the checkpoint is kept as evidence.
    await append(prisma, 11);
    await append(prisma, 12);
    const before = await readFile(file, "utf8");
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "refused", check: { status: "missing", missing: 3 } });
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "refused" });
    expect(problems).toHaveLength(1); // reported once, not on every commit
    expect(await readFile(file, "utf8")).toBe(before);
    expect(await verifyAuditChain(db.prisma, { checkpoints: store })).toMatchObject({
      ok: false,
      count: 9,
      reason: "checkpoint",
      checkpoint: { status: "missing", missing: 3, lastSeq: 7n },
    });
  });

  it("a log replaced after the checkpoint (the sequence reset, the same seq numbers again) is caught", async () => {
    const { checkpointer, prisma } = wire(countingStore());
    for (let n = 1; n <= 10; n++) await append(prisma, n);
    await checkpointer.checkpoint();
    await sql(`DELETE FROM "AuditEvent" WHERE seq > 7; SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'seq'), 7)`);
    for (let n = 21; n <= 23; n++) await append(prisma, n);
    await linkAuditChain(db.prisma);
    expect((await readAuditHead(db.prisma))!.seq).toBe(10n);
    const r = await verifyAuditChain(db.prisma, { checkpoints: countingStore() });
    expect(r).toMatchObject({ ok: false, count: 10, reason: "checkpoint", checkpoint: { status: "differs", present: 10, checkpoint: { seq: "10", count: 10 } } });
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "refused", check: { status: "differs" } });
  });

  it("an edited, unsigned, foreign-key or garbled checkpoint file is reported as not authentic, and never replaced", async () => {
    const { checkpointer, prisma } = wire(countingStore());
    for (let n = 1; n <= 10; n++) await append(prisma, n);
    await checkpointer.checkpoint();
    await sql(`DELETE FROM "AuditEvent" WHERE seq > 7`);
    const row7 = await db.prisma.auditEvent.findUniqueOrThrow({ where: { seq: 7n } });
    const original = await storedFile();

    // Someone covers the deletion by moving the checkpoint back to #7, keeping the old signature.
    await writeFile(file, JSON.stringify({ ...original, latest: { ...original.latest, seq: "7", hash: row7.hash, count: 7 } }));
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({
      ok: false,
      reason: "checkpoint",
      checkpoint: { status: "notAuthentic", reason: "signature", location: file },
    });
    expect(await checkpointer.checkpoint()).toMatchObject({ status: "refused", check: { status: "notAuthentic" } });

    // ... or writes it unsigned, or signs it with a key of their own.
    const { mac: _mac, ...unsigned } = { ...original, latest: { ...original.latest, seq: "7", hash: row7.hash, count: 7 } };
    await writeFile(file, JSON.stringify(unsigned));
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({ ok: false, checkpoint: { status: "notAuthentic", reason: "malformed" } });
    await writeFile(file, JSON.stringify(signCheckpoints("another-key-another-key-another-key", { ...original.latest, seq: "7", hash: row7.hash!, count: 7 }, [])));
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({ ok: false, checkpoint: { status: "notAuthentic", reason: "signature" } });
    await writeFile(file, "{ not json");
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({ ok: false, checkpoint: { status: "notAuthentic", reason: "unreadable" } });
    expect(await readFile(file, "utf8")).toBe("{ not json");

    // ... or the key that signed it is gone.
    await writeFile(file, JSON.stringify(original));
    const keyless = createFileCheckpointStore({ file, secret: async ({ create }) => (create ? SECRET : null) });
    expect(await verifyAuditChain(db.prisma, { checkpoints: keyless })).toMatchObject({ ok: false, checkpoint: { status: "notAuthentic", reason: "noKey" } });

    // The real file, put back: the cut-off tail shows again.
    await writeFile(file, JSON.stringify(original));
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({ ok: false, checkpoint: { status: "missing", missing: 3, lastSeq: 7n } });
  });

  it("a broken chain is still named first, with the checkpoint beside it", async () => {
    const { checkpointer, prisma } = wire(countingStore());
    for (let n = 1; n <= 5; n++) await append(prisma, n);
    await checkpointer.checkpoint();
    await sql(`DELETE FROM "AuditEvent" WHERE seq = 2`);
    expect(await verifyAuditChain(db.prisma, { checkpoints: countingStore() })).toMatchObject({ ok: false, seq: 3n, reason: "prevHash", checkpoint: { status: "matched" } });
  });
});
