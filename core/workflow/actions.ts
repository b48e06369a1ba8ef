// The one action contract between core and every channel:
//
// 1. the verbs of button presses and their callback codec (encode + decode), versioned
//    `a1:<verb>:<id>`, at most 64 bytes (Telegram's limit). NO other file writes or parses callback
//    data (test/core/workflow/actions.test.ts greps core/ and bots/ for the version prefix);
// 2. the mapping from the transition table's actions (./state-machine.ts) to what a message offers:
//    a button (Telegram, web chat) and the exact reply that does the same (Zalo's reply lines);
// 3. the shape a state-changing use case returns, `{ id, ref, actions }` (ActionOutcome): the
//    record that changed, its canonical ref and the actions its actor may take now, computed from
//    the table for the new state. Channels render the card from it; nothing re-reads the record.
//
// Decoded data is NEVER trusted: every press goes through a core use case that checks the
// presser's permission again.
import { t, type Locale } from "../messages/index.ts";
import type { MessageAction } from "../ports/sender.ts";
import type { AssignmentAction, DocumentAction, ExtensionAction, PackageAction, RecipientAction } from "./state-machine.ts";

// === What a state-changing use case returns

/**
 * The outcome of a use case that changes an assignment's or a document's state: the record's id
 * and canonical ref (`D7/2026-TCKH`), and what the acting person may do with it now (from the
 * transition table, for the new state). Channels build the card's buttons or reply lines from it.
 */
export type ActionOutcome<A extends string> = { id: string; ref: string; actions: A[] };

// === The callback codec

export const CALLBACK_DATA_MAX_BYTES = 64;
const VERSION = "a1";

/** A decoded button press. */
export type CallbackAction =
  | { kind: "ack"; assignmentId: string }
  | { kind: "outgoingAck"; recipientId: string }
  | { kind: "done"; assignmentId: string }
  | { kind: "progress"; assignmentId: string }
  | { kind: "return"; assignmentId: string }
  | { kind: "extend"; assignmentId: string }
  | { kind: "delegate"; assignmentId: string }
  | { kind: "direct"; documentId: string }
  | { kind: "extensionGrant"; extensionId: string }
  | { kind: "extensionRefuse"; extensionId: string }
  /** The register clerks' card of a package from the interchange: Vào sổ, Trả lại. */
  | { kind: "packageRegister"; packageId: string }
  | { kind: "packageReturn"; packageId: string }
  /** An echo's buttons (Xác nhận, Sửa, Hủy); `nonce` is the echo's. */
  | { kind: "confirm"; nonce: string }
  | { kind: "edit"; nonce: string }
  | { kind: "cancel"; nonce: string }
  | { kind: "guide"; op: GuideOp; nonce: string; n: number };

/**
 * A step of the guided directive (bots/shared/features/direct-guide.ts): pick the main unit n,
 * toggle coordinator n, show page n, coordinators done / none, a deadline of n working days, edit
 * part n. `nonce` is the menu's: a press on any other menu is stale.
 */
export type GuideOp = "main" | "coordinate" | "page" | "done" | "skip" | "due" | "edit";

type PlainKind = Exclude<CallbackAction["kind"], "guide">;

/** The verbs on the wire. Stored in platform messages: add verbs, never rename one. */
const VERBS = {
  ack: "ack",
  outgoingAck: "oack",
  done: "done",
  progress: "prog",
  return: "ret",
  extend: "ext",
  delegate: "dlg",
  direct: "dir",
  extensionGrant: "extok",
  extensionRefuse: "extno",
  packageRegister: "axok",
  packageReturn: "axret",
  confirm: "ok",
  edit: "edit",
  cancel: "no",
} as const satisfies Record<PlainKind, string>;

const GUIDE_VERBS = { main: "gm", coordinate: "gc", page: "gp", done: "gx", skip: "gs", due: "gd", edit: "ge" } as const satisfies Record<GuideOp, string>;

const BY_VERB = new Map<string, PlainKind>(Object.entries(VERBS).map(([k, v]) => [v, k as PlainKind]));
const GUIDE_BY_VERB = new Map<string, GuideOp>(Object.entries(GUIDE_VERBS).map(([k, v]) => [v, k as GuideOp]));
/** A guide menu's nonce (conversation.ts newNonce: 6 random bytes, base64url) and its number. */
const GUIDE_ID = /^([A-Za-z0-9_-]{8})(\d{1,4})$/;
const ID = /^[A-Za-z0-9_-]{1,48}$/;

const idOf = (a: Exclude<CallbackAction, { kind: "guide" }>): string =>
  "assignmentId" in a
    ? a.assignmentId
    : "recipientId" in a
      ? a.recipientId
      : "documentId" in a
        ? a.documentId
        : "extensionId" in a
          ? a.extensionId
          : "packageId" in a
            ? a.packageId
            : a.nonce;

/**
 * Encodes a press; throws on an id that would not round-trip or data over 64 bytes (a bug).
 *
 * @example encodeCallback({ kind: "ack", assignmentId: id }) // the Nhận button's data
 */
export const encodeCallback = (a: CallbackAction): string => {
  const id = a.kind === "guide" ? `${a.nonce}${a.n}` : idOf(a);
  const valid = a.kind === "guide" ? Number.isSafeInteger(a.n) && GUIDE_ID.test(id) : ID.test(id);
  if (!valid) throw new Error(`callback id not encodable: ${a.kind}`);
  const data = `${VERSION}:${a.kind === "guide" ? GUIDE_VERBS[a.op] : VERBS[a.kind]}:${id}`;
  if (Buffer.byteLength(data, "utf8") > CALLBACK_DATA_MAX_BYTES) throw new Error(`callback data over ${CALLBACK_DATA_MAX_BYTES} bytes`);
  return data;
};

/** Decodes callback data; null for anything malformed, of another version or unknown. */
export const decodeCallback = (data: string): CallbackAction | null => {
  if (Buffer.byteLength(data, "utf8") > CALLBACK_DATA_MAX_BYTES) return null;
  const m = /^([a-z0-9]+):([a-z]+):(.+)$/.exec(data);
  if (!m || m[1] !== VERSION || !ID.test(m[3]!)) return null;
  const id = m[3]!;
  const op = GUIDE_BY_VERB.get(m[2]!);
  if (op !== undefined) {
    const g = GUIDE_ID.exec(id);
    return g ? { kind: "guide", op, nonce: g[1]!, n: Number(g[2]) } : null;
  }
  const kind = BY_VERB.get(m[2]!);
  switch (kind) {
    case "ack":
    case "done":
    case "progress":
    case "return":
    case "extend":
    case "delegate":
      return { kind, assignmentId: id };
    case "direct":
      return { kind, documentId: id };
    case "outgoingAck":
      return { kind, recipientId: id };
    case "extensionGrant":
    case "extensionRefuse":
      return { kind, extensionId: id };
    case "packageRegister":
    case "packageReturn":
      return { kind, packageId: id };
    case "confirm":
    case "edit":
    case "cancel":
      return { kind, nonce: id };
    default:
      return null;
  }
};

// === From the transition table to what a message offers

/** The press of each assignment action of the table. */
const ASSIGNMENT_PRESS = {
  ack: "ack",
  delegate: "delegate",
  progress: "progress",
  complete: "done",
  return: "return",
  extend: "extend",
} as const satisfies { [A in AssignmentAction]: CallbackAction["kind"] };

/** The table's assignment action a press stands for (the inverse of the cards' buttons); null for any other press. */
export const assignmentPressOf = (press: CallbackAction): { action: AssignmentAction; assignmentId: string } | null => {
  if (!("assignmentId" in press)) return null;
  const found = Object.entries(ASSIGNMENT_PRESS).find(([, kind]) => kind === press.kind);
  return found ? { action: found[0] as AssignmentAction, assignmentId: press.assignmentId } : null;
};

/** The text command of each assignment action (its arguments follow the ref). */
export const ASSIGNMENT_COMMANDS: { readonly [A in AssignmentAction]: string } = {
  ack: "/nhan",
  delegate: "/giao",
  progress: "/tiendo",
  complete: "/xong",
  return: "/tralai",
  extend: "/giahan",
};

/**
 * The actions of an assignment card, in the table's order.
 *
 * @example assignmentMessageActions("vi", { id, shownRef: "D7-TCKH" }, ["ack", "complete"]) // [{ label: "Nhận", command: "/nhan D7-TCKH", callback: <the Nhận press> }, …]
 */
export const assignmentMessageActions = (locale: Locale, a: { id: string; shownRef: string }, allowed: readonly AssignmentAction[]): MessageAction[] =>
  allowed.map((action) => ({
    label: t(locale, `action.${action}`),
    command: `${ASSIGNMENT_COMMANDS[action]} ${a.shownRef}`,
    callback: encodeCallback({ kind: ASSIGNMENT_PRESS[action], assignmentId: a.id }),
  }));

/** The leader's decisions on an extension request (`/giahan D7-TCKH dong y` / `khong` on Zalo). */
export const extensionMessageActions = (locale: Locale, ext: { id: string; assignmentShownRef: string }, allowed: readonly ExtensionAction[]): MessageAction[] =>
  allowed.map((action) => ({
    label: t(locale, `action.${action}`),
    command: `/giahan ${ext.assignmentShownRef} ${action === "grant" ? "dong y" : "khong"}`,
    callback: encodeCallback({ kind: action === "grant" ? "extensionGrant" : "extensionRefuse", extensionId: ext.id }),
  }));

/** A document's actions (directing it). */
export const documentMessageActions = (locale: Locale, doc: { id: string; shownRef: string }, allowed: readonly DocumentAction[]): MessageAction[] =>
  allowed.map((action) => ({ label: t(locale, `action.${action}`), command: `/chidao ${doc.shownRef}`, callback: encodeCallback({ kind: "direct", documentId: doc.id }) }));

/** A receiving unit's "Đã nhận" on an outgoing document of the agency (`/nhan P12-TCKH`). */
export const recipientMessageActions = (locale: Locale, r: { id: string; shownRef: string }, allowed: readonly RecipientAction[]): MessageAction[] =>
  allowed.map(() => ({ label: t(locale, "outgoing.action.ack"), command: `/nhan ${r.shownRef}`, callback: encodeCallback({ kind: "outgoingAck", recipientId: r.id }) }));

/** The register clerks' Vào sổ / Trả lại on a package from the interchange (`/ok REF`, `/tralai REF`). */
export const packageMessageActions = (locale: Locale, pkg: { id: string; shownRef: string }, allowed: readonly PackageAction[]): MessageAction[] =>
  allowed.map((action) =>
    action === "register"
      ? { label: t(locale, "notify.interchangeCard.register"), command: `/ok ${pkg.shownRef}`, callback: encodeCallback({ kind: "packageRegister", packageId: pkg.id }) }
      : { label: t(locale, "notify.interchangeCard.return"), command: `/tralai ${pkg.shownRef}`, callback: encodeCallback({ kind: "packageReturn", packageId: pkg.id }) },
  );
