import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG, hasMessage, missingTranslations, t } from "../../../core/messages/index.ts";

const sources = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== "generated") out.push(...(await sources(full)));
    else if (e.name.endsWith(".ts")) out.push(full);
  }
  return out;
};

describe("message catalog", () => {
  it("has every key in Vietnamese and English", () => {
    expect(missingTranslations()).toEqual([]);
  });

  it("has a message for every DomainError raised in core and bots", async () => {
    const missing: string[] = [];
    const checked: Record<string, number> = {};
    for (const root of ["core", "bots"]) {
      // No catch: a missing or unreadable folder fails the test instead of checking nothing.
      const files = await sources(root);
      checked[root] = 0;
      for (const file of files) {
        const text = await readFile(file, "utf8");
        for (const m of text.matchAll(/new DomainError\(\s*"([A-Z0-9_]+)",\s*"([\w.]+)"/g)) {
          checked[root] += 1;
          if (!hasMessage(m[2]!)) missing.push(`${file}: ${m[1]} → ${m[2]}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The scan really looked at the code: both roots raise many DomainErrors.
    expect(checked.core).toBeGreaterThan(50); // 125 when this was written
    expect(checked.bots).toBeGreaterThan(0);
  });

  it("uses the same placeholders in both languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(CATALOG.vi).filter((k) => JSON.stringify(names(CATALOG.vi[k]!)) !== JSON.stringify(names(CATALOG.en[k] ?? "")));
    expect(differing).toEqual([]);
  });

  it("fills placeholders and refuses unknown keys", () => {
    expect(t("vi", "assignment.alreadyAcknowledged", { ref: "D7-TCKH" })).toBe("Việc D7-TCKH đã được nhận trước đó.");
    expect(() => t("vi", "no.such.key")).toThrow(/Unknown message key/);
  });
});
