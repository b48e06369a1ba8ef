// The one action contract (core/workflow/actions.ts): the only module that writes or parses callback
// data, and the mapping from the transition table's actions to what a message offers.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listTs } from "../../../scripts/source-imports.ts";
import {
  assignmentMessageActions,
  assignmentPressOf,
  decodeCallback,
  documentMessageActions,
  extensionMessageActions,
  packageMessageActions,
  recipientMessageActions,
} from "../../../core/workflow/actions.ts";
import { ASSIGNMENT_ACTIONS, PACKAGE_ACTIONS, packageActionsFor, recipientActionsFor } from "../../../core/workflow/state-machine.ts";

const CONTRACT = path.join("core", "workflow", "actions.ts");
const ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("one place writes and parses callback data", () => {
  it("no file of core/ or bots/ but core/workflow/actions.ts spells the version prefix", async () => {
    const offenders: string[] = [];
    for (const layer of ["core", "bots"]) {
      for (const file of await listTs(path.resolve(layer))) {
        const rel = path.relative(process.cwd(), file);
        if (rel === CONTRACT) continue;
        const text = await readFile(file, "utf8");
        text.split("\n").forEach((line, i) => {
          if (line.includes("a1:")) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the check sees the files it guards (a check over no files would pass anything)", async () => {
    const files = (await listTs(path.resolve("core"))).map((f) => path.relative(process.cwd(), f));
    expect(files).toContain(CONTRACT);
    expect((await readFile(CONTRACT, "utf8")).includes("a1")).toBe(true);
  });
});

describe("from the transition table to buttons and back", () => {
  it("every assignment action's button decodes to the same action and assignment", () => {
    const buttons = assignmentMessageActions("vi", { id: ID, shownRef: "D7-TCKH" }, ASSIGNMENT_ACTIONS);
    expect(buttons.map((b) => b.command)).toEqual(["/nhan D7-TCKH", "/giao D7-TCKH", "/tiendo D7-TCKH", "/xong D7-TCKH", "/tralai D7-TCKH", "/giahan D7-TCKH"]);
    expect(buttons.map((b) => assignmentPressOf(decodeCallback(b.callback)!))).toEqual(ASSIGNMENT_ACTIONS.map((action) => ({ action, assignmentId: ID })));
    for (const b of buttons) expect(Buffer.byteLength(b.callback)).toBeLessThanOrEqual(64);
  });

  it("the other cards' buttons decode to their own kinds, never to an assignment action", () => {
    const decoded = [
      ...extensionMessageActions("vi", { id: ID, assignmentShownRef: "D7-TCKH" }, ["grant", "refuse"]),
      ...documentMessageActions("vi", { id: ID, shownRef: "D7" }, ["direct"]),
      ...recipientMessageActions("vi", { id: ID, shownRef: "P12-TCKH" }, ["ack"]),
      ...packageMessageActions("vi", { id: ID, shownRef: "LT5" }, PACKAGE_ACTIONS),
    ].map((b) => ({ command: b.command, press: decodeCallback(b.callback) }));
    expect(decoded).toEqual([
      { command: "/giahan D7-TCKH dong y", press: { kind: "extensionGrant", extensionId: ID } },
      { command: "/giahan D7-TCKH khong", press: { kind: "extensionRefuse", extensionId: ID } },
      { command: "/chidao D7", press: { kind: "direct", documentId: ID } },
      { command: "/nhan P12-TCKH", press: { kind: "outgoingAck", recipientId: ID } },
      { command: "/ok LT5", press: { kind: "packageRegister", packageId: ID } },
      { command: "/tralai LT5", press: { kind: "packageReturn", packageId: ID } },
    ]);
    expect(decoded.map((d) => assignmentPressOf(d.press!))).toEqual(decoded.map(() => null));
  });

  it("a package offers Vào sổ / Trả lại only while it waits; a recipient's Đã nhận only until it is acknowledged, never on paper", () => {
    expect(packageActionsFor("PENDING")).toEqual(["register", "return"]);
    for (const state of ["REGISTERED", "RETURNED", "REFUSED", "DUPLICATE"] as const) expect(packageActionsFor(state)).toEqual([]);
    expect(recipientActionsFor({ acknowledged: false, isPaper: false })).toEqual(["ack"]);
    expect(recipientActionsFor({ acknowledged: true, isPaper: false })).toEqual([]);
    expect(recipientActionsFor({ acknowledged: false, isPaper: true })).toEqual([]);
  });
});
