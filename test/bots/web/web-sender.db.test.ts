// The web chat's Sender: a delivery stores the message in the person's history; a cancelled one
// (the delivery's deadline passed) stores nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebEventHub } from "../../../bots/web/event-hub.ts";
import { createWebSender } from "../../../bots/web/web-sender.ts";
import { SendError, type SendTarget } from "../../../core/ports/sender.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg } from "../../support/workflow.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => db.truncate());

describe("createWebSender", () => {
  it("stores a delivered message; a cancelled send stores nothing and fails as transient", async () => {
    const deps = createTestDeps(db.prisma);
    const org = await setupExampleOrg(deps);
    const userId = org.users["tp.tckh"]!;
    const sender = createWebSender({ deps, hub: createWebEventHub() });
    const target: SendTarget = { identityId: "web-1", channel: "WEB", chatId: userId, userId, locale: "vi" };

    const controller = new AbortController();
    const reason = new SendError("transient", "send timed out after 30000 ms");
    controller.abort(reason);
    await expect(sender.send(target, { text: "Giao việc D7-TCKH" }, { signal: controller.signal })).rejects.toBe(reason);
    expect(await db.prisma.webMessage.count()).toBe(0);

    const sent = await sender.send(target, { text: "Giao việc D7-TCKH" }, { signal: new AbortController().signal });
    expect(await db.prisma.webMessage.findMany({ select: { id: true } })).toEqual([{ id: sent.platformMessageId }]);
  });
});
