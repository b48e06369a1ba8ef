// Adds up vitest JSON reports. Prints how many distinct tests there are and how many runs they made
// (the database and time-zone suites run twice), then the closing line "N passed, N failed, N skipped".
import { readFileSync } from "node:fs";
import path from "node:path";

let passed = 0,
  failed = 0,
  skipped = 0,
  runs = 0;
const distinct = new Set();
for (const file of process.argv.slice(2)) {
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    for (const suite of r.testResults ?? []) {
      const where = path.relative(process.cwd(), suite.name ?? "");
      for (const test of suite.assertionResults ?? []) {
        const name = test.fullName ?? [...(test.ancestorTitles ?? []), test.title].join(" ");
        distinct.add(`${where} › ${name}`);
        if (test.status === "passed" || test.status === "failed") runs += 1;
      }
    }
  } catch {
    failed += 1;
    console.error(`missing or unreadable test report: ${file}`);
  }
}
console.log(`${distinct.size} distinct tests, ${runs} runs (some suites run twice: PGlite and PostgreSQL, two time zones)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
