// A deadline counted across days the calendar only estimates (Tết 2027 before the official notice)
// says so in the directive echo: the office knows the date may move.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let seq = 0;
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const env = (): BotEnv => ({ deps: createTestDeps(db.prisma, { clock, files: createMemoryFileStore() }), logger });
const LEADER = { channel: "TELEGRAM", externalUserId: "900", chatId: "900" } as const;
const say = async (text: string) => {
  const r = await handleIncoming(env(), { ...LEADER, updateKey: `u:${++seq}`, text });
  return r.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n---\n");
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2027-02-01T02:00:00Z"); // Monday 1 February 2027, 09:00 in Vietnam
  org = await setupExampleOrg(env().deps);
  await db.prisma.chatIdentity.create({ data: { userId: org.users.chutich!, ...LEADER } });
  await registerSample(env().deps, org, { issuedDate: "2027-01-28" });
});

describe("directive echo and estimated calendar days", () => {
  it("a deadline counted across Tết 2027 (not yet announced) carries a note naming the estimated days", async () => {
    const echo = await say("/chidao D1\nGiao Sở Tài chính chủ trì.\nchủ trì: TCKH\nhạn: 5 ngày");
    // 2, 3, 4 February, then 5 and 8–11 February are estimated days off: the 5th working day is 15/02.
    expect(echo).toContain("15/02/2027");
    expect(echo).toContain(
      "Lưu ý: hạn được tính theo lịch nghỉ dự kiến năm 2027, chưa có thông báo chính thức (các ngày 05/02/2027, 08/02/2027, 09/02/2027, 10/02/2027, 11/02/2027); hạn có thể thay đổi khi có thông báo.",
    );
  });

  it("a deadline before the estimated days has no note", async () => {
    const echo = await say("/chidao D1\nGiao Sở Tài chính chủ trì.\nchủ trì: TCKH\nhạn: 2 ngày");
    expect(echo).toContain("03/02/2027");
    expect(echo).not.toContain("lịch nghỉ dự kiến");
  });
});
