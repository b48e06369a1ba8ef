// The streaming half of the edXML parser: bytes in, a small element tree of the metadata out, every
// attachment's base64 decoded straight into the caller's sink. Memory stays bounded whatever the input:
// - the text of a `ContentTransferEncoded` element never enters saxes' buffers (its text handler is off
//   inside that element); we read those characters from our own chunk, using the positions saxes reports,
//   and decode them incrementally, stopping as soon as an attachment passes the byte limit;
// - everything else (the metadata) is capped in characters, so no text node, attribute, comment or
//   DOCTYPE can grow without bound;
// - a DOCTYPE is refused as soon as saxes reports it, so no entity is ever declared, let alone expanded
//   (saxes itself expands only the five predefined entities and character references).
import { createHash, type Hash } from "node:crypto";
import { SaxesParser, type SaxesTagNS } from "saxes";
import { sniffFileType } from "../files/sniff-file-type.ts";
import { EdxmlError } from "./edxml-error.ts";
import { EDXML_NAMESPACE, type EdxmlSniffedKind } from "./edxml-types.ts";

// === Public shapes

/** Where one attachment's decoded bytes go. */
export type AttachmentTarget<Stored> = {
  /** Receives the bytes in order; awaited before more input is read (backpressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** All bytes written; returns what the parsed package will carry as `stored`. */
  end(): Promise<Stored>;
  /** The package was refused (or this attachment): throw away what was written. Must not throw. */
  discard(): Promise<void>;
};

/** Creates one target per attachment, in document order (`index` from 0). */
export type AttachmentSink<Stored> = { begin(info: { index: number }): Promise<AttachmentTarget<Stored>> };

/** Limits of one parse. */
export type EdxmlLimits = {
  /** Largest decoded attachment, in bytes: past it the parse stops with `too_large`. */
  maxAttachmentBytes: number;
  /** @defaultValue 50 */
  maxAttachments?: number;
  /**
   * Characters outside attachment contents (the envelope, the manifest, markup): past it `too_large`.
   * @defaultValue 2 MiB
   */
  maxMetadataChars?: number;
};

/** An element of the metadata tree (namespace-resolved; attachment contents are not kept). */
export type XmlElement = {
  uri: string;
  local: string;
  attributes: { uri: string; local: string; value: string }[];
  children: XmlElement[];
  text: string;
  /** Set on `ContentTransferEncoded` elements: the index of the attachment read from it. */
  attachmentIndex?: number;
};

/** An attachment as streamed, before its metadata is checked. */
export type StreamedAttachment<Stored> = {
  size: number;
  sha256: string;
  sniffedKind: EdxmlSniffedKind;
  stored: Stored;
};

export type StreamedDocument<Stored> = {
  root: XmlElement;
  attachments: StreamedAttachment<Stored>[];
  /** Discards every attachment written so far (the caller refused the package after the stream). */
  discardAll(): Promise<void>;
};

// === Base64, incrementally

const B64_WHITESPACE = /[\t\n\r ]+/g;
const B64_INVALID = /[^A-Za-z0-9+/=]/;

/** Decodes base64 in pieces; refuses anything that is not base64 (whitespace between is allowed). */
class Base64Decoder {
  private carry = "";
  private padded = false;

  constructor(private readonly field: string) {}

  push(text: string): Buffer | null {
    const clean = text.replace(B64_WHITESPACE, "");
    if (!clean) return null;
    if (B64_INVALID.test(clean)) throw new EdxmlError("attachment_encoding", `${this.field}: content is not base64`, this.field);
    if (this.padded && /[^=]/.test(clean)) throw new EdxmlError("attachment_encoding", `${this.field}: data after base64 padding`, this.field);
    const s = this.carry + clean;
    const eq = s.indexOf("=");
    if (eq >= 0) {
      if (/[^=]/.test(s.slice(eq)) || s.length - eq > 2) throw new EdxmlError("attachment_encoding", `${this.field}: misplaced base64 padding`, this.field);
      this.padded = true;
    }
    const whole = s.length - (s.length % 4);
    this.carry = s.slice(whole);
    return whole ? Buffer.from(s.slice(0, whole), "base64") : null;
  }

  finish(): Buffer | null {
    const rest = this.carry;
    this.carry = "";
    if (!rest) return null;
    // Unpadded base64 (2 or 3 trailing characters) is tolerated; a single one cannot be a byte.
    if (rest.replace(/=+$/, "").length < 2) throw new EdxmlError("attachment_encoding", `${this.field}: truncated base64`, this.field);
    return Buffer.from(rest, "base64");
  }
}

// === The stream

const DEFAULT_MAX_ATTACHMENTS = 50;
const DEFAULT_MAX_METADATA_CHARS = 2 * 1024 * 1024;
/** Input is fed to saxes in pieces of at most this many bytes. */
const PIECE_BYTES = 64 * 1024;
/** Bytes kept from the start of each attachment for the type sniffer (a PDF header may sit after 1 KB of junk). */
const SNIFF_BYTES = 2048;
const MAX_DEPTH = 32;

type Action = { kind: "begin"; index: number } | { kind: "data"; bytes: Buffer } | { kind: "end" };

/** Splits large buffers so that one write to saxes stays small. */
async function* pieces(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (let i = 0; i < bytes.length; i += PIECE_BYTES) yield bytes.subarray(i, Math.min(bytes.length, i + PIECE_BYTES));
  }
}

/** `ContentTransferEncoded` directly inside an `Attachment`, both in the edXML namespace. */
const isAttachmentContent = (stack: XmlElement[], tag: SaxesTagNS) => {
  const parent = stack[stack.length - 1];
  return tag.uri === EDXML_NAMESPACE && tag.local === "ContentTransferEncoded" && parent?.uri === EDXML_NAMESPACE && parent.local === "Attachment";
};

/**
 * Reads an XML document from `input`: the metadata as an element tree, the attachments (the contents of
 * `edXML/AttachmentEncoded/Attachment/ContentTransferEncoded`) into `sink`. On any failure every
 * attachment already begun is discarded before the error is thrown.
 */
export const streamEdxml = async <Stored>(input: AsyncIterable<Uint8Array | string>, sink: AttachmentSink<Stored>, limits: EdxmlLimits): Promise<StreamedDocument<Stored>> => {
  const maxAttachments = limits.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  const maxMetadataChars = limits.maxMetadataChars ?? DEFAULT_MAX_METADATA_CHARS;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new TextDecoder("utf-8", { fatal: true });

  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const actions: Action[] = [];

  // Where the current chunk sits in the character stream saxes sees.
  let chunk = "";
  let chunkStart = 0;
  let totalChars = 0;
  let attachmentChars = 0;

  // The attachment being read, if any.
  let capture: { index: number; decoder: Base64Decoder; bytes: number; open: boolean; afterGt: boolean } | undefined;
  let attachmentCount = 0;

  const fail = (code: "xml_invalid", message: string): never => {
    throw new EdxmlError(code, message);
  };

  /** Decodes raw characters of the current attachment, counting them out of the metadata budget. */
  const takeBase64 = (text: string) => {
    if (!capture || !text) return;
    attachmentChars += text.length;
    const bytes = capture.decoder.push(text);
    if (bytes) emitBytes(bytes);
  };
  const emitBytes = (bytes: Buffer) => {
    if (!capture || bytes.length === 0) return;
    capture.bytes += bytes.length;
    if (capture.bytes > limits.maxAttachmentBytes) {
      throw new EdxmlError("too_large", `attachment ${capture.index + 1} is larger than ${limits.maxAttachmentBytes} bytes`, `Attachment[${capture.index + 1}]`);
    }
    actions.push({ kind: "data", bytes });
  };
  /**
   * Reads raw characters of the current chunk from global offset `from` up to the next `<` (where saxes
   * will see markup); if the chunk ends first, the capture stays open for the next chunk.
   */
  const scanFrom = (from: number) => {
    if (!capture) return;
    let start = Math.max(0, from - chunkStart);
    if (capture.afterGt) {
      // saxes reports a comment at its "--", before the closing ">".
      const gt = chunk.indexOf(">", start);
      if (gt < 0) {
        capture.open = true;
        return;
      }
      capture.afterGt = false;
      start = gt + 1;
    }
    const lt = chunk.indexOf("<", start);
    takeBase64(chunk.slice(start, lt < 0 ? chunk.length : lt));
    capture.open = lt < 0;
  };

  const onText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  };

  parser.on("error", (err) => fail("xml_invalid", err.message));
  parser.on("xmldecl", (decl) => {
    if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) fail("xml_invalid", `encoding ${decl.encoding} is not accepted (UTF-8 only)`);
  });
  parser.on("doctype", () => {
    throw new EdxmlError("doctype", "a DOCTYPE is not accepted in an edXML package");
  });
  parser.on("text", onText);
  parser.on("cdata", (text) => {
    if (capture) {
      takeBase64(text);
      scanFrom(parser.position);
    } else onText(text);
  });
  parser.on("comment", () => {
    if (!capture) return;
    capture.afterGt = true;
    scanFrom(parser.position);
  });
  parser.on("processinginstruction", () => {
    if (capture) scanFrom(parser.position);
  });
  parser.on("opentag", (tag) => {
    if (capture) fail("xml_invalid", "an element inside an attachment's content");
    if (stack.length >= MAX_DEPTH) fail("xml_invalid", `elements nested deeper than ${MAX_DEPTH}`);
    const element: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      attributes: Object.values(tag.attributes).map((a) => ({ uri: a.uri, local: a.local, value: a.value })),
      children: [],
      text: "",
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else {
      // Checked at once, so that a foreign document is refused for what it is before its body is read.
      if (tag.uri !== EDXML_NAMESPACE) throw new EdxmlError("namespace", `the root element is in namespace ${JSON.stringify(tag.uri)}, not ${EDXML_NAMESPACE}`);
      if (tag.local !== "edXML") throw new EdxmlError("root", `the root element is ${tag.local}, not edXML`);
      root = element;
    }
    if (isAttachmentContent(stack, tag) && !tag.isSelfClosing) {
      if (attachmentCount >= maxAttachments) throw new EdxmlError("too_large", `more than ${maxAttachments} attachments`);
      element.attachmentIndex = attachmentCount;
      capture = { index: attachmentCount, decoder: new Base64Decoder(`Attachment[${attachmentCount + 1}]`), bytes: 0, open: false, afterGt: false };
      attachmentCount++;
      actions.push({ kind: "begin", index: element.attachmentIndex });
      parser.off("text");
      scanFrom(parser.position);
    }
    stack.push(element);
  });
  parser.on("closetag", () => {
    const element = stack.pop();
    if (capture && element?.attachmentIndex === capture.index) {
      const rest = capture.decoder.finish();
      if (rest) emitBytes(rest);
      actions.push({ kind: "end" });
      capture = undefined;
      parser.on("text", onText);
    }
  });

  // === Applying the actions (async: the sink writes) in document order

  type Open = { target: AttachmentTarget<Stored>; hash: Hash; head: Buffer[]; headBytes: number; size: number };
  const targets: AttachmentTarget<Stored>[] = [];
  const attachments: StreamedAttachment<Stored>[] = [];
  let open: Open | undefined;

  const apply = async () => {
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i]!;
      if (action.kind === "begin") {
        const target = await sink.begin({ index: action.index });
        targets.push(target);
        open = { target, hash: createHash("sha256"), head: [], headBytes: 0, size: 0 };
      } else if (action.kind === "data" && open) {
        open.hash.update(action.bytes);
        open.size += action.bytes.length;
        if (open.headBytes < SNIFF_BYTES) {
          open.head.push(action.bytes.subarray(0, SNIFF_BYTES - open.headBytes));
          open.headBytes += Math.min(action.bytes.length, SNIFF_BYTES - open.headBytes);
        }
        await open.target.write(action.bytes);
      } else if (action.kind === "end" && open) {
        const stored = await open.target.end();
        attachments.push({ size: open.size, sha256: open.hash.digest("hex"), sniffedKind: sniffFileType(Buffer.concat(open.head)), stored });
        open = undefined;
      }
    }
    actions.length = 0;
  };

  const discardAll = async () => {
    // Best effort after a refusal (the refusal is what is thrown); the temporary directory goes with the receive.
    await Promise.all(targets.map((t) => t.discard().catch(() => undefined)));
  };

  const write = (text: string) => {
    if (!text) return;
    chunk = text;
    chunkStart = totalChars;
    totalChars += text.length;
    // A capture left open by the previous chunk goes on at the start of this one.
    if (capture?.open) scanFrom(chunkStart);
    parser.write(text);
    if (totalChars - attachmentChars > maxMetadataChars) {
      throw new EdxmlError("too_large", `more than ${maxMetadataChars} characters of metadata`);
    }
  };

  try {
    for await (const piece of pieces(input)) {
      let text: string;
      try {
        text = decoder.decode(piece, { stream: true });
      } catch (err) {
        throw new EdxmlError("xml_invalid", "the package is not valid UTF-8", undefined, { cause: err });
      }
      write(text);
      await apply();
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch (err) {
      throw new EdxmlError("xml_invalid", "the package is not valid UTF-8", undefined, { cause: err });
    }
    write(tail);
    parser.close();
    await apply();
    if (!root) throw new EdxmlError("xml_invalid", "the package is empty");
    return { root, attachments, discardAll };
  } catch (err) {
    await discardAll();
    throw err;
  }
};
