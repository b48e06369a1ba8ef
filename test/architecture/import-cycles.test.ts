import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCycles, KNOWN_CYCLES } from "../../scripts/check-cycles.ts";

describe("import cycles (issue 22: none anywhere)", () => {
  it("has no cycle in this repository, and none is allowed to stand", async () => {
    expect(KNOWN_CYCLES).toEqual([]);
    const { unknown, gone } = await checkCycles(process.cwd());
    expect(unknown).toEqual([]);
    expect(gone).toEqual([]);
  });

  it("finds a cycle of type imports, a self import and a known cycle that grew; reports a known one that is gone", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "edoc-cycles-"));
    try {
      for (const dir of ["bots/shared/features", "core/outbox", "jobs"]) await mkdir(path.join(root, dir), { recursive: true });
      const files: Record<string, string> = {
        // A state union built from the features, which import it back (type imports only).
        "bots/shared/conversation.ts": `import type { IssueState } from "./features/issue.ts";\nexport type State = IssueState;\n`,
        "bots/shared/features/issue.ts": `import type { State } from "../conversation.ts";\nexport type IssueState = { kind: "issue" };\n`,
        "bots/shared/features/direct.ts": `export { x } from "./direct.ts";\n`,
        // A known pair that gained a third file.
        "core/outbox/a.ts": `import { b } from "./b.ts";\nexport const a = 1;\n`,
        "core/outbox/b.ts": `import { c } from "./c.ts";\nexport const b = 1;\n`,
        "core/outbox/c.ts": `const m = await import("./a.ts");\n`,
        // A known cycle that holds as listed.
        "jobs/runner.ts": `import { r } from "./in-process-runner.ts";\n`,
        "jobs/in-process-runner.ts": `import type { Runner } from "./runner.ts";\n`,
      };
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(root, file), text);
      const known = [
        ["core/outbox/a.ts", "core/outbox/b.ts"],
        ["jobs/runner.ts", "jobs/in-process-runner.ts"],
        ["core/gone/x.ts", "core/gone/y.ts"],
      ];
      const { unknown, gone } = await checkCycles(root, known);
      expect(unknown).toEqual([
        ["bots/shared/conversation.ts", "bots/shared/features/issue.ts"],
        ["bots/shared/features/direct.ts"],
        ["core/outbox/a.ts", "core/outbox/b.ts", "core/outbox/c.ts"],
      ]);
      expect(gone).toEqual([
        ["core/outbox/a.ts", "core/outbox/b.ts"],
        ["core/gone/x.ts", "core/gone/y.ts"],
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
