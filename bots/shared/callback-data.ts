// Callback data of buttons, channel-neutral (Telegram inline keyboards, web chat buttons). Short and
// versioned: `a1:<verb>:<id>`, at most 64 bytes (Telegram's limit). Core's outbox renderer writes
// the assignment ones (`a1:ack:<id>`, `a1:done:<id>`, `a1:dir:<documentId>`, `a1:extok:<id>`,
// `a1:extno:<id>`, and the interchange card's `a1:axok:<packageId>`, `a1:axret:<packageId>`); the bots add the echo buttons (`a1:ok:<nonce>`, `a1:edit:<nonce>`,
// `a1:no:<nonce>`) and the guided directive's steps (`a1:gm:<nonce><n>` and the other `g…` verbs:
// the menu's 8-character nonce, then a number). Decoded data is NEVER trusted: every press goes
// through a core use case that checks the presser's permission again.

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

const GUIDE_VERBS = { main: "gm", coordinate: "gc", page: "gp", done: "gx", skip: "gs", due: "gd", edit: "ge" } as const satisfies Record<GuideOp, string>;
const GUIDE_BY_VERB = new Map<string, GuideOp>(Object.entries(GUIDE_VERBS).map(([k, v]) => [v, k as GuideOp]));
/** A guide menu's nonce (conversation.ts newNonce: 6 random bytes, base64url) and its number. */
const GUIDE_ID = /^([A-Za-z0-9_-]{8})(\d{1,4})$/;

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
} as const satisfies Record<Exclude<CallbackAction["kind"], "guide">, string>;

const BY_VERB = new Map<string, Exclude<CallbackAction["kind"], "guide">>(Object.entries(VERBS).map(([k, v]) => [v, k as Exclude<CallbackAction["kind"], "guide">]));

const ID = /^[A-Za-z0-9_-]{1,48}$/;

const idOf = (a: Exclude<CallbackAction, { kind: "guide" }>): string =>
  "assignmentId" in a ? a.assignmentId : "recipientId" in a ? a.recipientId : "documentId" in a ? a.documentId : "extensionId" in a ? a.extensionId : "packageId" in a ? a.packageId : a.nonce;

/** Encodes a press; throws on an id that would not round-trip or data over 64 bytes (a bug). */
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
