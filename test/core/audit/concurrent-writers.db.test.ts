// Issue 25 point 4 / issue 23: the audit chain under concurrent writers. Writers append unlinked
// events under a shared lock; the linker (run by the checkpointer after commits, and by verify)
// links them in seq order under the exclusive lock, so no event it links can be followed by a
// smaller seq committed later, and no two events chain onto the same one.
//
// Which database gives this test meaning: PostgreSQL (DATABASE_URL set), where the 20 writers hold
// 20 pooled connections and their transactions overlap (asserted below), while the checkpointer
// links and checkpoints between their commits. On PGlite (one session) the transactions run one
// after another, so there it only checks the bookkeeping.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent } from "../../../core/audit/append-audit-event.ts";
import { createAuditCheckpointer, withAuditCommitHook } from "../../../core/audit/audit-checkpoint.ts";
import { createFileCheckpointStore } from "../../../core/audit/checkpoint-file-store.ts";
import { verifyAuditChain } from "../../../core/audit/verify-audit-chain.ts";
import { createTestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), "edoc-audit-race-"));
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const WRITERS = 20;
const EVENTS_EACH = 10;

describe("the audit chain under concurrent writers", () => {
  it(`${WRITERS} writers × ${EVENTS_EACH} events: one chain, verify intact, checkpoint at the head`, async () => {
    await db.truncate();
    const store = createFileCheckpointStore({ file: path.join(dir, "checkpoint.json"), secret: "race-test-secret-race-test-secret-0000" });
    // A short delay: checkpoints are written while the writers run, as in the service.
    const checkpointer = createAuditCheckpointer({ db: db.prisma, store, clock: createTestClock(), delayMs: 5 });
    const prisma = withAuditCommitHook(db.prisma, checkpointer.afterCommit);

    let inside = 0;
    let mostInside = 0;
    const writer = async (w: number) => {
      for (let i = 0; i < EVENTS_EACH; i++) {
        await prisma.$transaction(
          async (tx) => {
            inside++;
            mostInside = Math.max(mostInside, inside);
            try {
              // Another row in the same transaction first, as a use case does (its change, then its event).
              await tx.outboxMessage.count();
              await appendAuditEvent(tx, { type: "assignment.acknowledged", at: new Date(), entityType: "Assignment", entityId: `w${w}-${i}`, data: { writer: w, i } });
            } finally {
              inside--;
            }
          },
          { timeout: 60_000, maxWait: 60_000 },
        );
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    await checkpointer.close();

    // Proof that the hard path ran: on PostgreSQL, transactions were open at the same time.
    if (db.kind === "postgres") expect(mostInside).toBeGreaterThan(1);

    expect(await verifyAuditChain(db.prisma, { checkpoints: store })).toMatchObject({
      ok: true,
      count: WRITERS * EVENTS_EACH,
      checkpoint: { status: "matched", checkpoint: { count: WRITERS * EVENTS_EACH } },
    });
    const events = await db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, select: { prevHash: true } });
    expect(new Set(events.map((e) => e.prevHash)).size).toBe(WRITERS * EVENTS_EACH); // nobody chained onto the same event
  }, 240_000);
});
