import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { searchDocuments } from "../../../core/queries/search-documents.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { buildVisibilityScene } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const deps = () => createTestDeps(db.prisma, { clock });
const search = (user: string, query: string, limit?: number) => searchDocuments(deps(), { actorUserId: org.users[user]!, query, ...(limit ? { limit } : {}) });
const found = async (user: string, query: string) => (await search(user, query)).hits.map((h) => h.displayRef);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
  // D1 "…dự toán ngân sách năm 2027" (TCKH), D2 "…rà soát văn bản quy phạm pháp luật" (TP),
  // M1 "…kế hoạch ngân sách quốc phòng" (tối mật), D3 "…quản lý đất đai" (not directed); one minute apart.
  await buildVisibilityScene(deps(), org);
});

describe("searchDocuments", () => {
  it("matches with and without diacritics, in any case, newest first", async () => {
    for (const q of ["ngan sach", "ngân sách", "NGÂN SÁCH", "  Ngân   sach "]) expect(await found("chutich", q)).toEqual(["M1", "D1"]);
    expect(await found("chutich", "đất đai")).toEqual(["D3"]);
    expect(await found("chutich", "dat dai")).toEqual(["D3"]);
  });

  it("every word must match, anywhere in ref, subject, issuer or số, ký hiệu", async () => {
    expect(await found("chutich", "ngân sách 2027")).toEqual(["D1"]);
    expect(await found("chutich", "sach quoc phong")).toEqual(["M1"]);
    expect(await found("chutich", "sở tư pháp")).toEqual(["D2"]);
    expect(await found("chutich", "12/STP")).toEqual(["D2"]);
    expect(await found("chutich", "ngân sách đất đai")).toEqual([]);
  });

  it("searches only what the person may see", async () => {
    expect(await found("tp.tckh", "ngan sach")).toEqual(["D1"]); // not the secret M1
    expect(await found("admin", "ngan sach")).toEqual(["D1"]);
    expect(await found("tp.tp", "ngan sach")).toEqual([]);
    expect(await found("ct.nb", "v/v")).toEqual([]);
  });

  it("takes LIKE's wildcards literally", async () => {
    expect(await found("chutich", "%")).toEqual([]);
    expect(await found("chutich", "_")).toEqual([]);
    await registerSample(deps(), org, { subject: "V/v giải ngân 100% vốn đầu tư công" });
    expect(await found("chutich", "100%")).toEqual(["D4"]);
  });

  it("pages with a limit and says when there is more", async () => {
    const r = await search("chutich", "v/v", 2);
    expect(r.hits.map((h) => h.displayRef)).toEqual(["D3", "M1"]);
    expect(r.hasMore).toBe(true);
    expect(r.words).toEqual(["v/v"]);
    expect(r.hits[1]).toMatchObject({ ref: "M1/2026", secrecy: "TOP_SECRET", isPaperOnly: true, code: "3/BCHQS-TM", issuer: "Bộ Chỉ huy quân sự tỉnh" });
    expect((await search("chutich", "v/v", 10)).hasMore).toBe(false);
  });

  it("refuses an empty query", async () => {
    const r = await search("chutich", "  \n ").catch((e: unknown) => e);
    expect(r).toMatchObject({ code: "SEARCH_QUERY_EMPTY", messageKey: "queries.searchQueryEmpty" } satisfies Partial<DomainError>);
  });
});
