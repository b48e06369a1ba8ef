// Reads edXML packages and status messages into plain data (edxml-types.ts), refusing with an
// EdxmlError whatever is malformed, incomplete, oversized or disguised. Streaming and bounded: see
// edxml-stream.ts. Elements outside the edXML namespace (a `ds:Signature`, a vendor's extension) are
// ignored; the caller keeps the original bytes for a later signature check.
import { EdxmlError } from "./edxml-error.ts";
import { streamEdxml, type AttachmentSink, type EdxmlLimits, type StreamedAttachment, type XmlElement } from "./edxml-stream.ts";
import { EDXML_NAMESPACE } from "./edxml-types.ts";
import type {
  EdxmlAttachment,
  EdxmlBusiness,
  EdxmlOrganization,
  EdxmlPackage,
  EdxmlReference,
  EdxmlSniffedKind,
  EdxmlStaffInfo,
  EdxmlStatus,
  EdxmlTraceHeaderList,
  IsoDate,
  LocalDateTime,
} from "./edxml-types.ts";

/** What the parser reads from: a Node Readable, any async iterable of bytes, or the bytes themselves. */
export type EdxmlInput = AsyncIterable<Uint8Array | string> | Uint8Array;

const toIterable = (input: EdxmlInput): AsyncIterable<Uint8Array | string> =>
  input instanceof Uint8Array
    ? (async function* () {
        yield input;
      })()
    : input;

// === Tree helpers

const children = (el: XmlElement | undefined, local: string): XmlElement[] => (el ? el.children.filter((c) => c.uri === EDXML_NAMESPACE && c.local === local) : []);
const child = (el: XmlElement | undefined, local: string): XmlElement | undefined => children(el, local)[0];
/** The trimmed text of a child, or undefined when absent or empty. */
const text = (el: XmlElement | undefined, local: string): string | undefined => {
  const value = child(el, local)?.text.trim();
  return value ? value : undefined;
};
const missing = (path: string): never => {
  throw new EdxmlError(`missing:${path}`, `required element ${path} is missing or empty`, path);
};
const required = <T>(value: T | undefined, path: string): T => (value === undefined ? missing(path) : value);
const defined = <T extends Record<string, unknown>>(obj: T): T | undefined =>
  Object.values(obj).some((v) => v !== undefined) ? (Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T) : undefined;

// === Dates

const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const DATE_TIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

const isRealDate = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** `10/12/2026` → `2026-12-10`; anything else (or 31/02) → `date_invalid`. */
export const parseEdxmlDate = (value: string, field: string): IsoDate => {
  const m = DATE.exec(value);
  if (!m || !isRealDate(Number(m[3]), Number(m[2]), Number(m[1]))) {
    throw new EdxmlError("date_invalid", `${field} is not a dd/MM/yyyy date: ${JSON.stringify(value.slice(0, 40))}`, field);
  }
  return `${m[3]}-${m[2]}-${m[1]}`;
};

/** `10/12/2026 08:05:00` → `2026-12-10T08:05:00`. */
export const parseEdxmlDateTime = (value: string, field: string): LocalDateTime => {
  const m = DATE_TIME.exec(value);
  if (!m || !isRealDate(Number(m[3]), Number(m[2]), Number(m[1])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) {
    throw new EdxmlError("date_invalid", `${field} is not a dd/MM/yyyy HH:mm:ss time: ${JSON.stringify(value.slice(0, 40))}`, field);
  }
  return `${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}`;
};

// === Pieces of the header

const organization = (el: XmlElement, path: string): EdxmlOrganization => {
  const org: EdxmlOrganization = { organId: required(text(el, "OrganId"), `${path}.OrganId`) };
  const rest = defined({
    organizationInCharge: text(el, "OrganizationInCharge"),
    organName: text(el, "OrganName"),
    organAdd: text(el, "OrganAdd"),
    email: text(el, "Email"),
    telephone: text(el, "Telephone"),
    fax: text(el, "Fax"),
    website: text(el, "Website"),
  });
  return { ...org, ...rest };
};

const staffInfo = (el: XmlElement | undefined): EdxmlStaffInfo | undefined =>
  el && defined({ department: text(el, "Department"), staff: text(el, "Staff"), mobile: text(el, "Mobile"), email: text(el, "Email") });

const business = (el: XmlElement | undefined): EdxmlBusiness | undefined => {
  if (!el) return undefined;
  const replacementInfoList = children(child(el, "ReplacementInfoList"), "ReplacementInfo").map((r) => ({
    ...defined({ documentId: text(r, "DocumentId") }),
    organIds: children(child(r, "ToOrganIdList"), "OrganId")
      .map((o) => o.text.trim())
      .filter(Boolean),
  }));
  return {
    ...defined({
      bussinessDocType: text(el, "BussinessDocType"),
      bussinessDocReason: text(el, "BussinessDocReason"),
      paper: text(el, "Paper"),
      staffInfo: staffInfo(child(el, "StaffInfo")),
    }),
    replacementInfoList,
  };
};

const traceHeaderList = (el: XmlElement | undefined): EdxmlTraceHeaderList | undefined => {
  if (!el) return undefined;
  const traceHeaders = children(el, "TraceHeader").map((h) => ({
    organId: required(text(h, "OrganId"), "TraceHeader.OrganId"),
    ...defined({ timestamp: text(h, "Timestamp") }),
  }));
  const b = business(child(el, "Bussiness"));
  return b ? { traceHeaders, business: b } : { traceHeaders };
};

const checkRoot = (root: XmlElement) => {
  if (root.uri !== EDXML_NAMESPACE) {
    throw new EdxmlError("namespace", `the root element is in namespace ${JSON.stringify(root.uri)}, not ${EDXML_NAMESPACE}`);
  }
  if (root.local !== "edXML") throw new EdxmlError("root", `the root element is ${root.local}, not edXML`);
};

// === Attachment types

type DeclaredKind = EdxmlSniffedKind | "other" | "any";

/** What the bytes of a declared content type must look like to the sniffer. */
const declaredKind = (contentType: string): DeclaredKind => {
  const t = contentType.split(";")[0]!.trim().toLowerCase();
  if (t === "application/pdf" || t === "application/x-pdf") return "pdf";
  if (t === "image/jpeg" || t === "image/jpg" || t === "image/pjpeg") return "jpeg";
  if (t === "image/png") return "png";
  if (
    t === "application/zip" ||
    t === "application/x-zip-compressed" ||
    t.startsWith("application/vnd.openxmlformats-officedocument.") ||
    t.startsWith("application/vnd.oasis.opendocument.")
  )
    return "zip";
  if (t === "text/html" || t === "application/xhtml+xml" || t === "text/xml" || t === "application/xml") return "html";
  // Claims nothing: only a web page behind it is refused.
  if (t === "application/octet-stream" || t === "binary/octet-stream") return "any";
  return "other";
};

/**
 * A type we can recognise must match; a type we cannot recognise (application/msword, text/plain) must
 * not hide one we can (a PDF, an image, a web page).
 */
const typeMatches = (declared: DeclaredKind, sniffed: EdxmlSniffedKind) =>
  declared === "any" ? sniffed !== "html" : declared === "other" ? sniffed === "unknown" : declared === sniffed;

// === Package

export type ParseEdxmlPackageOptions<Stored> = EdxmlLimits & {
  /** Where attachment bytes go (e.g. `createDirectorySink`); on refusal everything written is discarded. */
  sink: AttachmentSink<Stored>;
};

/**
 * Parses an edXML package. Resolves with every envelope field and the attachments as the sink stored
 * them; rejects with an {@link EdxmlError} (everything written to the sink discarded first).
 *
 * @example
 * const sink = createDirectorySink(tmpDir);
 * const pkg = await parseEdxmlPackage(await transport.fetch(docId), { sink, maxAttachmentBytes: 50 * 1024 * 1024 });
 */
export const parseEdxmlPackage = async <Stored>(input: EdxmlInput, options: ParseEdxmlPackageOptions<Stored>): Promise<EdxmlPackage<Stored>> => {
  const { sink, ...limits } = options;
  const doc = await streamEdxml(toIterable(input), sink, limits);
  try {
    return mapPackage(doc.root, doc.attachments);
  } catch (err) {
    await doc.discardAll();
    throw err;
  }
};

const mapPackage = <Stored>(root: XmlElement, streamed: StreamedAttachment<Stored>[]): EdxmlPackage<Stored> => {
  checkRoot(root);
  const envelope = required(child(root, "edXMLEnvelope"), "edXMLEnvelope");
  const header = required(child(envelope, "edXMLHeader"), "edXMLHeader");
  const mh = required(child(header, "MessageHeader"), "MessageHeader");

  const from = organization(required(child(mh, "From"), "From"), "From");
  const toElements = children(mh, "To");
  if (toElements.length === 0) missing("To");
  const to = toElements.map((el) => organization(el, "To"));
  const seen = new Set<string>();
  for (const t of to) {
    const key = t.organId.toLowerCase();
    if (seen.has(key)) throw new EdxmlError("duplicate_to", `To OrganId ${t.organId} appears more than once`, "To.OrganId");
    seen.add(key);
  }

  const codeEl = required(child(mh, "Code"), "Code");
  const promulgation = required(child(mh, "PromulgationInfo"), "PromulgationInfo");
  const documentTypeEl = child(mh, "DocumentType");
  const signerEl = child(mh, "SignerInfo");
  const otherEl = child(mh, "OtherInfo");
  const dueDate = text(mh, "DueDate");

  const messageHeader: EdxmlPackage<Stored>["header"] = {
    from,
    to,
    code: {
      codeNumber: required(text(codeEl, "CodeNumber"), "Code.CodeNumber"),
      codeNotation: required(text(codeEl, "CodeNotation"), "Code.CodeNotation"),
    },
    promulgationInfo: {
      ...defined({ place: text(promulgation, "Place") }),
      promulgationDate: parseEdxmlDate(required(text(promulgation, "PromulgationDate"), "PromulgationInfo.PromulgationDate"), "PromulgationInfo.PromulgationDate"),
    },
    subject: required(text(mh, "Subject"), "Subject"),
    toPlaces: children(child(mh, "ToPlaces"), "Place")
      .map((p) => p.text.trim())
      .filter(Boolean),
  };
  const documentType = documentTypeEl && defined({ type: text(documentTypeEl, "Type"), typeName: text(documentTypeEl, "TypeName") });
  if (documentType) messageHeader.documentType = documentType;
  const content = text(mh, "Content");
  if (content !== undefined) messageHeader.content = content;
  const signerInfo = signerEl && defined({ competence: text(signerEl, "Competence"), position: text(signerEl, "Position"), fullName: text(signerEl, "FullName") });
  if (signerInfo) messageHeader.signerInfo = signerInfo;
  if (dueDate !== undefined) messageHeader.dueDate = parseEdxmlDate(dueDate, "DueDate");
  if (otherEl) {
    messageHeader.otherInfo = {
      ...defined({
        priority: text(otherEl, "Priority"),
        sphereOfPromulgation: text(otherEl, "SphereOfPromulgation"),
        typerNotation: text(otherEl, "TyperNotation"),
        promulgationAmount: text(otherEl, "PromulgationAmount"),
        pageAmount: text(otherEl, "PageAmount"),
      }),
      appendixes: children(child(otherEl, "Appendixes"), "Appendix")
        .map((a) => a.text.trim())
        .filter(Boolean),
    };
  }
  const steeringType = text(mh, "SteeringType");
  if (steeringType !== undefined) messageHeader.steeringType = steeringType;
  const documentId = text(mh, "DocumentId");
  if (documentId !== undefined) messageHeader.documentId = documentId;

  try {
    return { header: messageHeader, ...mapBody(root, header, envelope, streamed) };
  } catch (err) {
    // Past the header, a refusal can name the sender's document (for the status 02 sent back).
    if (err instanceof EdxmlError) err.header = messageHeader;
    throw err;
  }
};

const mapBody = <Stored>(root: XmlElement, header: XmlElement, envelope: XmlElement, streamed: StreamedAttachment<Stored>[]): Omit<EdxmlPackage<Stored>, "header"> => {
  const references: EdxmlReference[] = children(child(child(envelope, "edXMLBody"), "edXMLManifest"), "Reference").map((r) => ({
    href: r.attributes.find((a) => a.local === "href")?.value.trim() ?? "",
    ...defined({ description: text(r, "Description"), attachmentName: text(r, "AttachmentName"), contentType: text(r, "ContentType") }),
  }));
  const referenceFor = (contentId: string | undefined) => (contentId === undefined ? undefined : references.find((r) => r.href === `cid:${contentId}` || r.href === contentId));

  const attachmentElements = children(child(root, "AttachmentEncoded"), "Attachment");
  if (attachmentElements.length === 0) missing("Attachment");
  const attachments = attachmentElements.map((el, i): EdxmlAttachment<Stored> => {
    const field = `Attachment[${i + 1}]`;
    const contentEl = child(el, "ContentTransferEncoded");
    const bytes = contentEl?.attachmentIndex === undefined ? undefined : streamed[contentEl.attachmentIndex];
    if (!bytes) missing("Attachment.ContentTransferEncoded");
    const contentId = text(el, "ContentId");
    const reference = referenceFor(contentId);
    const contentType = required(text(el, "ContentType") ?? reference?.contentType, "Attachment.ContentType");
    const name = required(text(el, "AttachmentName") ?? reference?.attachmentName, "Attachment.AttachmentName");
    const { size, sha256, sniffedKind, stored } = bytes!;
    if (!typeMatches(declaredKind(contentType), sniffedKind)) {
      throw new EdxmlError("type_mismatch", `${field} is declared ${contentType} but its content looks like ${sniffedKind}`, field);
    }
    return { ...defined({ contentId }), contentType, name, size, sha256, sniffedKind, stored };
  });

  const trace = traceHeaderList(child(header, "TraceHeaderList"));
  return { ...(trace ? { traceHeaderList: trace } : {}), references, attachments };
};

// === Status

const NO_ATTACHMENTS: AttachmentSink<never> = {
  begin: () => Promise.reject(new EdxmlError("too_large", "a status message carries no attachment")),
};

/**
 * Parses a status message (`edXML/edXMLEnvelope/edXMLHeader/Status`). A status carries no attachment:
 * one is refused as `too_large`.
 */
export const parseEdxmlStatus = async (input: EdxmlInput, limits: { maxMetadataChars?: number } = {}): Promise<EdxmlStatus> => {
  const doc = await streamEdxml(toIterable(input), NO_ATTACHMENTS, { maxAttachmentBytes: 0, maxAttachments: 0, ...limits });
  const root = doc.root;
  checkRoot(root);
  const header = required(child(required(child(root, "edXMLEnvelope"), "edXMLEnvelope"), "edXMLHeader"), "edXMLHeader");
  const status = required(child(header, "Status"), "Status");
  const responseFor = required(child(status, "ResponseFor"), "Status.ResponseFor");
  const result: EdxmlStatus = {
    responseFor: {
      organId: required(text(responseFor, "OrganId"), "ResponseFor.OrganId"),
      code: required(text(responseFor, "Code"), "ResponseFor.Code"),
      promulgationDate: parseEdxmlDate(required(text(responseFor, "PromulgationDate"), "ResponseFor.PromulgationDate"), "ResponseFor.PromulgationDate"),
      ...defined({ documentId: text(responseFor, "DocumentId") }),
    },
    from: organization(required(child(status, "From"), "Status.From"), "Status.From"),
    statusCode: required(text(status, "StatusCode"), "Status.StatusCode"),
    timestamp: parseEdxmlDateTime(required(text(status, "Timestamp"), "Status.Timestamp"), "Status.Timestamp"),
  };
  const description = text(status, "Description");
  if (description !== undefined) result.description = description;
  const staff = staffInfo(child(status, "StaffInfo"));
  if (staff) result.staffInfo = staff;
  return result;
};
