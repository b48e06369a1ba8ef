import { describe, expect, it } from "vitest";
import type { Actor } from "../../../core/actors/actor.ts";
import { t } from "../../../core/messages/index.ts";
import { assignmentActionsFor as allowedActions, assignmentStateKey, conflictFor, type AssignmentFacts as AssignmentForActions } from "../../../core/workflow/state-machine.ts";

const actor = (over: Partial<Actor>): Actor => ({
  id: "u1",
  orgId: "o",
  code: "x",
  name: "X",
  title: null,
  unitId: "TCKH",
  unitCode: "TCKH",
  unitKind: "DEPARTMENT",
  roles: [],
  locale: "vi",
  ...over,
});
const head = actor({ id: "head", roles: ["UNIT_HEAD"] });
const officer = actor({ id: "officer", roles: ["OFFICER"] });
const otherHead = actor({ id: "other", unitId: "TP", roles: ["UNIT_HEAD"] });
const leader = actor({ id: "leader", unitId: "LD", roles: ["LEADER", "MONITOR"] });
const top = (over: Partial<AssignmentForActions> = {}): AssignmentForActions => ({
  unitId: "TCKH",
  parentId: null,
  assigneeUserId: null,
  status: "ASSIGNED",
  role: "MAIN",
  dueAt: new Date(),
  ...over,
});
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

describe("why a cancelled assignment closed, from its parent's state", () => {
  const cancelled = (parent: AssignmentForActions["parent"]) => ({ status: "CANCELLED" as const, dueAt: null, completedAt: null, parent });

  it("a delegation closed with its unit's returned or completed assignment says so; anything else was replaced by a new directive", () => {
    const cases = [
      [{ status: "RETURNED" }, "CLOSED_UNIT_RETURNED", "đóng vì đơn vị trả lại", "closed: the unit returned its task", "assignment.delegationClosed.RETURNED"],
      [{ status: "COMPLETED" }, "CLOSED_UNIT_COMPLETED", "đóng vì đơn vị đã hoàn thành", "closed: the unit completed its task", "assignment.delegationClosed.COMPLETED"],
      [{ status: "CANCELLED" }, "CANCELLED", "đã thay bằng chỉ đạo mới", "replaced by a new directive", "assignment.cancelled"],
      [null, "CANCELLED", "đã thay bằng chỉ đạo mới", "replaced by a new directive", "assignment.cancelled"],
    ] as const;
    for (const [parent, key, vi, en, conflict] of cases) {
      expect(assignmentStateKey(cancelled(parent)), String(parent?.status)).toBe(key);
      expect(t("vi", `state.${key}`)).toBe(vi);
      expect(t("en", `state.${key}`)).toBe(en);
      const refused = conflictFor("CANCELLED", "D1-TCKH-cv.tckh", parent?.status);
      expect([refused.code, refused.messageKey]).toEqual(["ASSIGNMENT_CANCELLED", conflict]);
    }
  });

  it("only a cancelled assignment takes its reason from the parent", () => {
    expect(assignmentStateKey({ status: "IN_PROGRESS", dueAt: null, completedAt: null, parent: { status: "COMPLETED" } })).toBe("IN_PROGRESS");
    expect(conflictFor("COMPLETED", "D1-TCKH-cv.tckh", "RETURNED").messageKey).toBe("assignment.alreadyCompleted");
  });
});
