// Import cycles in the source folders, found on the source text (the import scan of
// source-imports.ts, as check-imports.ts uses it; check-imports.ts runs this check too). A type-only import counts too: a cycle of types still ties the files' design
// together, and the next runtime import along it becomes an initialisation-order bug.
//
// Each strongly connected component of the import graph (files that reach one another) is one
// cycle. Known cycles are listed in KNOWN_CYCLES until they are taken apart; any other one fails.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { IMPORT_RE, listTs } from "./source-imports.ts";

/** Every folder of source (a test helper or a script can close a cycle too). */
const SOURCE_DIRS = ["app", "bench", "bin", "bots", "core", "jobs", "scripts", "test", "web/src"] as const;

/**
 * Cycles allowed to stand, each the exact set of files of one component: a cycle that grows,
 * shrinks into another shape or appears elsewhere fails the check; one that is gone is reported so
 * it can be removed from this list. Empty: the four cycles that stood when the check came (the
 * calendar ⇄ lateness, the outbox ⇄ outgoing renderers, the store client ⇄ direct SQL, the jobs
 * runner ⇄ its runners) were taken apart (issue 22, point 3). Keep it empty.
 */
export const KNOWN_CYCLES: readonly (readonly string[])[] = [];

/** The files of one cycle, relative to the root, sorted. */
export type ImportCycle = string[];

const resolveImport = (from: string, specifier: string): string | null => {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, path.join(base, "index.ts")];
  return candidates.find((c) => /\.(ts|tsx|mts|js|mjs)$/.test(c) && existsSync(c)) ?? null;
};

/** The import graph of the source folders under `root`: file → files it imports (relative paths). */
export const importGraph = async (root: string): Promise<Map<string, Set<string>>> => {
  const graph = new Map<string, Set<string>>();
  for (const dir of SOURCE_DIRS) {
    for (const file of await listTs(path.join(root, dir))) {
      const text = await readFile(file, "utf8");
      const edges = new Set<string>();
      for (const match of text.matchAll(IMPORT_RE)) {
        const specifier = match[1] ?? match[2] ?? match[3];
        if (!specifier?.startsWith(".")) continue;
        const target = resolveImport(file, specifier);
        if (target) edges.add(path.relative(root, target));
      }
      graph.set(path.relative(root, file), edges);
    }
  }
  return graph;
};

/** Strongly connected components of more than one file, or of a file importing itself (Tarjan). */
export const findCycles = (graph: Map<string, Set<string>>): ImportCycle[] => {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: ImportCycle[] = [];
  // Iterative, so a deep import chain cannot overflow the call stack.
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; edges: string[]; next: number }[] = [];
    const enter = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: [...(graph.get(node) ?? [])].filter((e) => graph.has(e)).sort(), next: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.next < top.edges.length) {
        const to = top.edges[top.next++]!;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      if (component.length > 1 || graph.get(top.node)?.has(top.node)) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
};

const sameCycle = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((f, i) => f === b[i]);

/** The cycles under `root` that are not known, and the known ones that are gone. */
export const checkCycles = async (root: string, known: readonly (readonly string[])[] = KNOWN_CYCLES): Promise<{ unknown: ImportCycle[]; gone: (readonly string[])[] }> => {
  const cycles = findCycles(await importGraph(root));
  const sortedKnown = known.map((k) => [...k].sort());
  return {
    unknown: cycles.filter((c) => !sortedKnown.some((k) => sameCycle(k, c))),
    gone: sortedKnown.filter((k) => !cycles.some((c) => sameCycle(k, c))),
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { unknown, gone } = await checkCycles(process.cwd());
  for (const c of unknown) console.error(`import cycle: ${c.join(" ⇄ ")}`);
  for (const k of gone) console.log(`known import cycle no longer there (remove it from KNOWN_CYCLES): ${k.join(" ⇄ ")}`);
  if (unknown.length) process.exit(1);
  console.log("No new import cycle.");
}
