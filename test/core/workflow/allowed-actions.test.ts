import { describe, expect, it } from "vitest";
import type { Actor } from "../../../core/actors/actor.ts";
import { assignmentActionsFor as allowedActions, type AssignmentFacts as AssignmentForActions } from "../../../core/workflow/state-machine.ts";

const actor = (over: Partial<Actor>): Actor => ({ id: "u1", orgId: "o", code: "x", name: "X", title: null, unitId: "TCKH", unitCode: "TCKH", unitKind: "DEPARTMENT", roles: [], locale: "vi", ...over });
const head = actor({ id: "head", roles: ["UNIT_HEAD"] });
const officer = actor({ id: "officer", roles: ["OFFICER"] });
const otherHead = actor({ id: "other", unitId: "TP", roles: ["UNIT_HEAD"] });
const leader = actor({ id: "leader", unitId: "LD", roles: ["LEADER", "MONITOR"] });
const top = (over: Partial<AssignmentForActions> = {}): AssignmentForActions => ({ unitId: "TCKH", parentId: null, assigneeUserId: null, status: "ASSIGNED", role: "MAIN", dueAt: new Date(), ...over });
const child = (over: Partial<AssignmentForActions> = {}) => top({ parentId: "p", assigneeUserId: "officer", ...over });

describe("allowedActions", () => {
  it("a unit head on the unit's own assignment, by status", () => {
    expect(allowedActions(head, top())).toEqual(["ack", "delegate", "progress", "complete", "return", "extend"]);
    expect(allowedActions(head, top({ status: "ACKNOWLEDGED" }))).toEqual(["delegate", "progress", "complete", "return", "extend"]);
    expect(allowedActions(head, top({ status: "IN_PROGRESS" }))).toEqual(["delegate", "progress", "complete", "extend"]);
    expect(allowedActions(head, top({ status: "IN_PROGRESS", hasPendingExtension: true }))).toEqual(["delegate", "progress", "complete"]);
    expect(allowedActions(head, top({ status: "IN_PROGRESS", dueAt: null }))).toEqual(["delegate", "progress", "complete"]);
    for (const status of ["COMPLETED", "RETURNED", "CANCELLED"] as const) expect(allowedActions(head, top({ status }))).toEqual([]);
  });

  it("a for-information assignment only needs acknowledging", () => {
    expect(allowedActions(head, top({ role: "INFO", dueAt: null }))).toEqual(["ack"]);
    expect(allowedActions(head, top({ role: "INFO", dueAt: null, status: "ACKNOWLEDGED" }))).toEqual([]);
  });

  it("an officer acts on what is delegated to them, never on the unit's own assignment", () => {
    expect(allowedActions(officer, top())).toEqual([]);
    expect(allowedActions(officer, child())).toEqual(["ack", "progress", "complete"]);
    expect(allowedActions(officer, child({ status: "ACKNOWLEDGED" }))).toEqual(["progress", "complete"]);
    expect(allowedActions(actor({ id: "someone-else", roles: ["OFFICER"] }), child())).toEqual([]);
  });

  it("the head stays answerable for a delegation but does not delegate it again", () => {
    expect(allowedActions(head, child({ status: "ACKNOWLEDGED" }))).toEqual(["progress", "complete"]);
  });

  it("people outside the unit and leaders get no actions", () => {
    expect(allowedActions(otherHead, top())).toEqual([]);
    expect(allowedActions(leader, top())).toEqual([]);
  });
});
