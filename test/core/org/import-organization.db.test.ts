import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors.ts";
import { importOrganization } from "../../../core/org/import-organization.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => db.truncate());

const example = () => readFile("examples/quy-nhon.yaml", "utf8");

const counts = async () => ({
  orgs: await db.prisma.organization.count(),
  units: await db.prisma.unit.count(),
  users: await db.prisma.user.count(),
});

const expectInvalid = async (text: string, pattern: RegExp) => {
  const err = await importOrganization(createTestDeps(db.prisma), { text }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe("ORG_FILE_INVALID");
  expect(String((err as DomainError).params.problems)).toMatch(pattern);
};

describe("importOrganization", () => {
  it("imports the example, and importing it again leaves no duplicates", async () => {
    const deps = createTestDeps(db.prisma);
    const first = await importOrganization(deps, { text: await example() });
    expect(first.units.created).toBe(13);
    expect(first.users.created).toBe(13);
    const second = await importOrganization(deps, { text: await example() });
    expect(second.units).toEqual({ created: 0, updated: 13 });
    expect(second.users).toEqual({ created: 0, updated: 13 });
    expect(await counts()).toEqual({ orgs: 1, units: 13, users: 13 });
    const nc = await db.prisma.unit.findFirstOrThrow({ where: { code: "NC" } });
    expect(nc.hasAccount).toBe(false);
    const cvp = await db.prisma.user.findFirstOrThrow({ where: { code: "cvp" }, select: { roles: true, name: true } });
    expect(cvp).toEqual({ roles: ["UNIT_HEAD", "MONITOR"], name: "Lê Văn Cường" });
  });

  it("updates by code and never deletes what the file leaves out", async () => {
    const deps = createTestDeps(db.prisma);
    await importOrganization(deps, { text: await example() });
    await importOrganization(deps, {
      text: `organization: { name: "UBND thành phố Quy Nhơn", code: "UBND" }
units:
  - { code: "TP", name: "Phòng Tư pháp thành phố", kind: DEPARTMENT }
users:
  - { code: "cv.tp", name: "Ngô Thị Lan", unit: "TP", roles: [OFFICER], active: false }
`,
    });
    expect(await counts()).toEqual({ orgs: 1, units: 13, users: 13 });
    expect((await db.prisma.unit.findFirstOrThrow({ where: { code: "TP" } })).name).toBe("Phòng Tư pháp thành phố");
    expect((await db.prisma.user.findFirstOrThrow({ where: { code: "cv.tp" } })).active).toBe(false);
  });

  it("refuses a file whose user names an unknown unit, naming the entry, and changes nothing", async () => {
    await expectInvalid(
      `organization: { name: "X", code: "X" }
units: [ { code: "A", name: "Đơn vị A", kind: OFFICE } ]
users: [ { code: "u1", name: "Người 1", unit: "A", roles: [CLERK] }, { code: "u2", name: "Người 2", unit: "ZZ", roles: [CLERK] } ]
`,
      /users\[1\] \(code "u2"\)\.unit: unknown unit "ZZ"/,
    );
    expect(await counts()).toEqual({ orgs: 0, units: 0, users: 0 });
  });

  it("names duplicate codes, unknown roles, bad kinds and bad time zones", async () => {
    await expectInvalid(
      `organization: { name: "X", code: "X" }
units: [ { code: "A", name: "A", kind: OFFICE }, { code: "a", name: "A2", kind: OFFICE } ]
`,
      /units\[1\] \(code "a"\): duplicate code, already used by units\[0\]/,
    );
    await expectInvalid(
      `organization: { name: "X", code: "X" }
units: [ { code: "A", name: "A", kind: OFFICE } ]
users: [ { code: "u1", name: "U", unit: "A", roles: [BOSS] } ]
`,
      /users\[0\] \(code "u1"\)\.roles\[0\]/,
    );
    await expectInvalid(`organization: { name: "X", code: "X" }\nunits: [ { code: "A", name: "A", kind: PALACE } ]\n`, /units\[0\] \(code "A"\)\.kind/);
    await expectInvalid(`organization: { name: "X", code: "X", timeZone: "Mars/Olympus" }\n`, /organization\.timeZone: is not a known IANA time zone/);
    await expectInvalid(`organization: [unclosed\n`, /YAML/);
    expect(await counts()).toEqual({ orgs: 0, units: 0, users: 0 });
  });
});
