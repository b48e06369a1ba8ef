// Callback data of buttons, channel-neutral (Telegram inline keyboards, web chat buttons). Short and
// versioned: `a1:<verb>:<id>`, at most 64 bytes (Telegram's limit). Core's outbox renderer writes
// the assignment ones (`a1:ack:<id>`, `a1:done:<id>`, `a1:dir:<documentId>`, `a1:extok:<id>`,
// `a1:extno:<id>`); the bots add the echo buttons (`a1:ok:<nonce>`, `a1:edit:<nonce>`,
// `a1:no:<nonce>`). Decoded data is NEVER trusted: every press goes through a core use case that
// checks the presser's permission again.

export const CALLBACK_DATA_MAX_BYTES = 64;
const VERSION = "a1";

/** A decoded button press. */
export type CallbackAction =
  | { kind: "ack"; assignmentId: string }
  | { kind: "outgoingAck"; recipientId: string }
  | { kind: "done"; assignmentId: string }
  | { kind: "direct"; documentId: string }
  | { kind: "extensionGrant"; extensionId: string }
  | { kind: "extensionRefuse"; extensionId: string }
  | { kind: "confirm"; nonce: string }
  | { kind: "edit"; nonce: string }
  | { kind: "cancel"; nonce: string };

const VERBS = {
  ack: "ack",
  outgoingAck: "oack",
  done: "done",
  direct: "dir",
  extensionGrant: "extok",
  extensionRefuse: "extno",
  confirm: "ok",
  edit: "edit",
  cancel: "no",
} as const satisfies Record<CallbackAction["kind"], string>;

const BY_VERB = new Map<string, CallbackAction["kind"]>(Object.entries(VERBS).map(([k, v]) => [v, k as CallbackAction["kind"]]));

const ID = /^[A-Za-z0-9_-]{1,48}$/;

const idOf = (a: CallbackAction): string =>
  "assignmentId" in a ? a.assignmentId : "recipientId" in a ? a.recipientId : "documentId" in a ? a.documentId : "extensionId" in a ? a.extensionId : a.nonce;

/** Encodes a press; throws on an id that would not round-trip or data over 64 bytes (a bug). */
export const encodeCallback = (a: CallbackAction): string => {
  const id = idOf(a);
  if (!ID.test(id)) throw new Error(`callback id not encodable: ${a.kind}`);
  const data = `${VERSION}:${VERBS[a.kind]}:${id}`;
  if (Buffer.byteLength(data, "utf8") > CALLBACK_DATA_MAX_BYTES) throw new Error(`callback data over ${CALLBACK_DATA_MAX_BYTES} bytes`);
  return data;
};

/** Decodes callback data; null for anything malformed, of another version or unknown. */
export const decodeCallback = (data: string): CallbackAction | null => {
  if (Buffer.byteLength(data, "utf8") > CALLBACK_DATA_MAX_BYTES) return null;
  const m = /^([a-z0-9]+):([a-z]+):(.+)$/.exec(data);
  if (!m || m[1] !== VERSION || !ID.test(m[3]!)) return null;
  const kind = BY_VERB.get(m[2]!);
  const id = m[3]!;
  switch (kind) {
    case "ack":
    case "done":
      return { kind, assignmentId: id };
    case "direct":
      return { kind, documentId: id };
    case "outgoingAck":
      return { kind, recipientId: id };
    case "extensionGrant":
    case "extensionRefuse":
      return { kind, extensionId: id };
    case "confirm":
    case "edit":
    case "cancel":
      return { kind, nonce: id };
    default:
      return null;
  }
};
