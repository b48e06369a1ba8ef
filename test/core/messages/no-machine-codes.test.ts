// Issue 21: no machine code of a register book ("sổ IN_SECRET") reaches a person. The register
// exports themselves are checked in test/core/office/office-tools.db.test.ts; here the catalog.
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../../core/messages/index.ts";

describe("message catalog: register books by name, never by code", () => {
  it("no message names a register book by its code or takes it as a placeholder", () => {
    for (const locale of ["vi", "en"] as const) {
      const offenders = Object.entries(CATALOG[locale]).filter(([, text]) => /\b(IN|OUT)_SECRET\b|\{book\}|registerBook/.test(text));
      expect(
        offenders.map(([key]) => key),
        locale,
      ).toEqual([]);
    }
  });
});
