import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEvent } from "../../../core/audit/append-audit-event.ts";
import { canonicalJson } from "../../../core/audit/canonical-json.ts";

// The first version, which the audit logs already stored were hashed with: the current one (written
// for speed) must give the same text for every value, or every stored chain would stop verifying.
const firstVersion = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(firstVersion).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstVersion(v)}`).join(",")}}`;
};

const values: unknown[] = [
  null,
  undefined,
  0,
  -1.5,
  1e21,
  "",
  'quote " backslash \\ newline \n tab \t nul \u0000 lone surrogate \ud800',
  "Tiếng Việt: Ủy ban nhân dân",
  true,
  [],
  {},
  [1, "a", null, undefined, [2, [3]], { b: 1, a: 2 }],
  { z: 1, a: 2, B: 3, _: 4, "10": 5, "9": 6, é: 7, Z: 8, "": 9 },
  { a: undefined, b: null, c: { d: undefined, e: [undefined] } },
  { at: new Date("2026-12-06T22:13:35.123Z"), nested: { when: new Date(0) } },
  {
    ref: "D1",
    units: [
      { code: "TCKH", role: "MAIN" },
      { code: "TP", role: "COORDINATING" },
    ],
    text: "<b>HTML</b> & 'ký tự'",
  },
  { "\ud83d\ude00": 1, "\uffff": 2, "\u00e9": 3, e: 4 },
];

describe("canonicalJson", () => {
  it.each(values.map((v, i) => [i, v]))("value %i gives the first version's text", (_, value) => {
    expect(canonicalJson(value)).toBe(firstVersion(value));
  });

  it("sorts keys at every level and leaves undefined members out", () => {
    expect(canonicalJson({ b: [{ d: 1, c: undefined, a: 2 }], a: undefined, c: null })).toBe('{"b":[{"a":2,"d":1}],"c":null}');
  });

  it("an audit event's hash is the one the first version gave (a stored chain still verifies)", () => {
    const content = {
      at: new Date("2026-12-06T01:02:03.004Z"),
      orgId: "org-1",
      actorUserId: "user-1",
      type: "assignment.acknowledged",
      entityType: "Assignment",
      entityId: "a-1",
      data: { ref: "D1-TCKH", channel: "TELEGRAM", messageId: "42" },
    };
    // Computed with the first version of canonicalJson and createHash.
    expect(hashAuditEvent(GENESIS_HASH, content)).toBe(FIRST_VERSION_HASH);
  });
});

const FIRST_VERSION_HASH = "d8737eac7aaa10fd631afec252cc39e7c3b9ce9e7bff6c83cdd65180406ebb4c";
