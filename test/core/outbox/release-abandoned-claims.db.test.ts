// A restarted worker releases at once the claims its killed predecessor held (issue 20, point 7),
// and only those: claims of a live process of the same instance, and of other instances, stay.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import { releaseAbandonedClaims } from "../../../core/outbox/release-abandoned-claims.ts";
import { createTestDeps } from "../../support/core.ts";
import { buildIdentity, buildOutboxRow, buildScenario } from "../../support/outbox-builders.ts";
import { createRecordingSender } from "../../support/recording-sender.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => db.truncate());

describe("releaseAbandonedClaims", () => {
  it("makes the rows of this instance's dead processes claimable now; a live process's and another instance's claims hold", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    await buildIdentity(db.prisma, s.users.head.id, { channel: "TELEGRAM", chatId: "tg-head" });
    const lockedUntil = new Date(deps.clock.now().getTime() + 120_000);
    const claimed = (lockedBy: string) =>
      buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.main.id }, status: "SENDING", lockedUntil }).then(async (row) => {
        await db.prisma.outboxMessage.update({ where: { id: row.id }, data: { lockedBy } });
        return row;
      });
    const dead = await claimed("host-a~1234abcd/4001#aa11bb22");
    const deadToo = await claimed("host-a~1234abcd/4001#cc33dd44");
    const live = await claimed("host-a~1234abcd/4002#ee55ff66");
    const otherInstance = await claimed("host-b~1234abcd/4001#0011aabb");
    const sender = createRecordingSender("TELEGRAM");
    expect(await deliverOutboxMessage(deps, { outboxId: dead.id, senders: { TELEGRAM: sender }, workerId: "host-a~1234abcd/4003" })).toEqual({ outcome: "not_claimable" });

    const released = await releaseAbandonedClaims(deps, { instanceId: "host-a~1234abcd", isGone: (pid) => pid === 4001 });
    expect(released).toBe(2);
    deps.clock.advance(1);
    expect((await findDueOutboxMessages(deps)).map((r) => r.id).sort()).toEqual([dead.id, deadToo.id].sort());
    for (const row of [dead, deadToo])
      expect((await deliverOutboxMessage(deps, { outboxId: row.id, senders: { TELEGRAM: sender }, workerId: "host-a~1234abcd/4003" })).outcome).toBe("sent");
    for (const row of [live, otherInstance]) {
      expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "SENDING", lockedUntil });
    }
    expect(await releaseAbandonedClaims(deps, { instanceId: "host-a~1234abcd", isGone: () => true })).toBe(1); // the live one's, once it is gone
  });
});
