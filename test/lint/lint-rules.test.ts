// The lint rules bite: ESLint's Node API runs the repository's eslint.config.js over
// test/lint/lint-fixtures as if that folder were the repository root (its core/, bots/, jobs/), and
// each fixture that breaks a rule is reported under that rule, while the allowed forms next to them
// (the front door, a `void` fire-and-forget) are not.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const FIXTURES = path.join(ROOT, "test/lint/lint-fixtures");

describe("npm run lint's ESLint rules (eslint.config.js)", () => {
  it("refuse a deep import into core, core importing a channel, an import cycle and a floating promise", async () => {
    const eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: path.join(ROOT, "eslint.config.js") });
    const results = await eslint.lintFiles(["."]);
    const found = results.flatMap((r) => r.messages.map((m) => `${path.relative(FIXTURES, r.filePath)}:${m.line} ${m.ruleId ?? `fatal: ${m.message}`}`)).sort();
    expect(found).toEqual([
      "bots/deep-import.ts:2 no-restricted-imports",
      "core/cycle-a.ts:2 import-x/no-cycle",
      "core/cycle-b.ts:1 import-x/no-cycle",
      "core/upward.ts:2 no-restricted-imports",
      "jobs/floating.ts:5 @typescript-eslint/no-floating-promises",
    ]);
    // Every fixture was linted (none ignored), and the messages say what to do.
    expect(results.map((r) => path.relative(FIXTURES, r.filePath)).sort()).toEqual([
      "bots/deep-import.ts",
      "bots/front-door.ts",
      "core/cycle-a.ts",
      "core/cycle-b.ts",
      "core/documents/register.ts",
      "core/index.ts",
      "core/upward.ts",
      "jobs/floating.ts",
    ]);
    const messages = results.flatMap((r) => r.messages.map((m) => m.message));
    expect(messages.some((m) => m.includes("front door (core/index.ts)"))).toBe(true);
    expect(messages.some((m) => m.includes("core/ must not import bots/"))).toBe(true);
  });
});
