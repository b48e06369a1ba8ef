// The process-wide gate on large files in memory (issue 20): six 49 MB uploads are checked one at a
// time, small files never wait, and a failing check gives its slot back.
import { describe, expect, it } from "vitest";
import { createLargeFileGate } from "../../../core/files/large-file-gate.ts";

const MB = 1024 * 1024;

/** A promise settled from outside: the test decides when each "check" finishes. */
const deferred = () => {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** Lets every already-settled continuation run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe("createLargeFileGate", () => {
  it("holds six large files one at a time, in arrival order", async () => {
    const gate = createLargeFileGate({ thresholdBytes: 8 * MB, slots: 1 });
    const started: number[] = [];
    let inside = 0;
    let most = 0;
    const ends = Array.from({ length: 6 }, deferred);
    const runs = ends.map((end, i) =>
      gate.run(49 * MB, async () => {
        started.push(i);
        inside += 1;
        most = Math.max(most, inside);
        await end.promise;
        inside -= 1;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0]);
    expect(gate.waiting()).toBe(5);
    for (let i = 0; i < 6; i++) {
      ends[i]!.resolve();
      await settle();
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(1);
    expect(gate.active()).toBe(0);
  });

  it("lets two in at once with two slots", async () => {
    const gate = createLargeFileGate({ thresholdBytes: MB, slots: 2 });
    const ends = Array.from({ length: 3 }, deferred);
    const runs = ends.map((end) => gate.run(2 * MB, () => end.promise));
    await settle();
    expect([gate.active(), gate.waiting()]).toEqual([2, 1]);
    ends.forEach((e) => e.resolve());
    await Promise.all(runs);
    expect([gate.active(), gate.waiting()]).toEqual([0, 0]);
  });

  it("runs a small file at once, even while a large one holds the only slot", async () => {
    const gate = createLargeFileGate({ thresholdBytes: 8 * MB, slots: 1 });
    const large = deferred();
    const holding = gate.run(40 * MB, () => large.promise);
    await settle();
    expect(await gate.run(200 * 1024, async () => "photo checked")).toBe("photo checked");
    expect(gate.active()).toBe(1);
    large.resolve();
    await holding;
  });

  it("gives the slot back when a check fails, and the next one runs", async () => {
    const gate = createLargeFileGate({ thresholdBytes: MB, slots: 1 });
    const failing = deferred();
    const first = gate.run(10 * MB, () => failing.promise);
    const second = gate.run(10 * MB, async () => "next");
    await settle();
    failing.reject(new Error("PDF_CORRUPT"));
    await expect(first).rejects.toThrow("PDF_CORRUPT");
    expect(await second).toBe("next");
    expect(gate.active()).toBe(0);
  });

  it("refuses a gate without slots", () => {
    expect(() => createLargeFileGate({ slots: 0 })).toThrow(/slots must be a positive integer/);
  });
});
