import { describe, expect, it } from "vitest";
import { mapError } from "../../../bots/shared/map-error.ts";
import { DomainError } from "../../../core/errors.ts";
import {
  CALLBACK_DATA_MAX_BYTES,
  assignmentMessageActions,
  decodeCallback,
  documentMessageActions,
  encodeCallback,
  extensionMessageActions,
} from "../../../core/workflow/actions.ts";
import { ASSIGNMENT_ACTIONS } from "../../../core/workflow/state-machine.ts";

describe("callback data codec", () => {
  it("round-trips every kind under 64 bytes and decodes core's own data", () => {
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for (const a of [
      { kind: "ack", assignmentId: id },
      { kind: "done", assignmentId: id },
      { kind: "direct", documentId: id },
      { kind: "extensionGrant", extensionId: id },
      { kind: "extensionRefuse", extensionId: id },
      { kind: "packageRegister", packageId: id },
      { kind: "packageReturn", packageId: id },
      { kind: "confirm", nonce: "AbC_-12" },
    ] as const) {
      const data = encodeCallback(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
      expect(decodeCallback(data)).toEqual(a);
    }
    expect(decodeCallback(`a1:ack:${id}`)).toEqual({ kind: "ack", assignmentId: id });
    // The interchange card's buttons (core/outbox/render-outbox-message.ts writes them).
    expect(decodeCallback(`a1:axok:${id}`)).toEqual({ kind: "packageRegister", packageId: id });
    expect(decodeCallback(`a1:axret:${id}`)).toEqual({ kind: "packageReturn", packageId: id });
  });

  it("decodes every button core's action messages write, back to the same action", () => {
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const kinds = assignmentMessageActions("vi", { id, shownRef: "D7-TCKH" }, [...ASSIGNMENT_ACTIONS]).map((a) => decodeCallback(a.callback));
    expect(kinds).toEqual((["ack", "delegate", "progress", "done", "return", "extend"] as const).map((kind) => ({ kind, assignmentId: id })));
    expect(extensionMessageActions("vi", { id, assignmentShownRef: "D7-TCKH" }, ["grant", "refuse"]).map((a) => decodeCallback(a.callback))).toEqual([
      { kind: "extensionGrant", extensionId: id },
      { kind: "extensionRefuse", extensionId: id },
    ]);
    expect(documentMessageActions("vi", { id, shownRef: "D7" }, ["direct"]).map((a) => decodeCallback(a.callback))).toEqual([{ kind: "direct", documentId: id }]);
  });

  it("refuses forged shapes: other versions, unknown verbs, odd ids, oversize data", () => {
    for (const bad of ["a2:ack:x", "a1:nuke:x", "a1:ack:", "a1:ack:x y", "a1:ack:<b>", `a1:ack:${"x".repeat(70)}`, "", "ack"]) expect(decodeCallback(bad)).toBeNull();
    expect(() => encodeCallback({ kind: "ack", assignmentId: "x".repeat(60) })).toThrow();
  });
});

describe("mapError", () => {
  const logged: unknown[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (o: object) => logged.push(o) };
  it("shows a DomainError's message and hides anything else behind a generic one, logging the update key", () => {
    expect(mapError(new DomainError("LINK_CODE_EXPIRED", "link.codeExpired"), { locale: "vi", updateKey: "tg:1", logger }).text).toContain("hết hạn");
    const generic = mapError(new Error("db down: secret detail"), { locale: "vi", updateKey: "tg:2", logger });
    expect(generic.text).not.toContain("secret detail");
    expect(logged).toEqual([expect.objectContaining({ updateKey: "tg:2" })]);
  });
});
