// The edXML package (QCVN 102:2016/BTTTT) and its status message, as plain data (docs/EDXML.md).
// Dates are ISO strings (`2026-12-10`); the XML carries them as dd/MM/yyyy. Free text is kept as sent:
// nothing here parses meaning out of an identifier (DocumentId's format differs between implementations).

/** The namespace of every edXML element we read or write. */
export const EDXML_NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
/** The namespace of the manifest's `xlink:href`. */
export const XLINK_NAMESPACE = "http://www.w3.org/1999/xlink";

/** A calendar date `yyyy-MM-dd` (the XML writes dd/MM/yyyy). */
export type IsoDate = string;
/** A local date-time `yyyy-MM-ddTHH:mm:ss` in the sender's office time (the XML writes dd/MM/yyyy HH:mm:ss). */
export type LocalDateTime = string;

/** An agency as the envelope names it (`From`, each `To`, a status's `From`). */
export type EdxmlOrganization = {
  /** The electronic identifier (mã định danh điện tử, e.g. `000.00.31.H10`). Required. */
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
};

/** Số and ký hiệu: `45` and `STC-NS` for 45/STC-NS. */
export type EdxmlCode = { codeNumber: string; codeNotation: string };

export type EdxmlPromulgationInfo = { place?: string; promulgationDate: IsoDate };

/** `Type` is a number in the standard, kept as the text sent. */
export type EdxmlDocumentType = { type?: string; typeName?: string };

export type EdxmlSignerInfo = { competence?: string; position?: string; fullName?: string };

export type EdxmlOtherInfo = {
  /** The urgency code as sent (mapping to our urgency is the workflow's business). */
  priority?: string;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: string;
  pageAmount?: string;
  /** The `Appendix` lines. */
  appendixes: string[];
};

export type EdxmlStaffInfo = { department?: string; staff?: string; mobile?: string; email?: string };

/** One hop of the package's route. */
export type EdxmlTraceHeader = { organId: string; timestamp?: string };

/** A document this one replaces/revokes/updates, and whom it went to. */
export type EdxmlReplacementInfo = { documentId?: string; organIds: string[] };

/** `Bussiness` (sic, as the standard spells it). */
export type EdxmlBusiness = {
  /** `0` new; other values revoke, update, replace: kept as sent. */
  bussinessDocType?: string;
  bussinessDocReason?: string;
  paper?: string;
  staffInfo?: EdxmlStaffInfo;
  replacementInfoList: EdxmlReplacementInfo[];
};

export type EdxmlTraceHeaderList = { traceHeaders: EdxmlTraceHeader[]; business?: EdxmlBusiness };

/** The `MessageHeader`: everything a clerk would otherwise retype. */
export type EdxmlMessageHeader = {
  from: EdxmlOrganization;
  /** At least one; an OrganId appears once. */
  to: EdxmlOrganization[];
  code: EdxmlCode;
  promulgationInfo: EdxmlPromulgationInfo;
  documentType?: EdxmlDocumentType;
  /** Trích yếu. */
  subject: string;
  content?: string;
  signerInfo?: EdxmlSignerInfo;
  /** The deadline the sender asks for. */
  dueDate?: IsoDate;
  /** The "Nơi nhận" lines. */
  toPlaces: string[];
  otherInfo?: EdxmlOtherInfo;
  steeringType?: string;
  /** Opaque: its format differs between implementations. */
  documentId?: string;
};

/** One `edXMLManifest/Reference`. */
export type EdxmlReference = { href: string; description?: string; attachmentName?: string; contentType?: string };

/** An attachment to put in a package we build. */
export type EdxmlAttachmentInput = {
  /** @defaultValue its position, 1-based (`cid:1`) */
  contentId?: string;
  contentType: string;
  name: string;
  /** The manifest's `Description`. */
  description?: string;
  bytes: Uint8Array;
};

/** A package to build. The manifest is made from the attachments. */
export type EdxmlPackageInput = {
  header: EdxmlMessageHeader;
  traceHeaderList?: EdxmlTraceHeaderList;
  attachments: EdxmlAttachmentInput[];
};

/** What the content sniffer made of an attachment's first bytes (core/files/sniff-file-type.ts). */
export type EdxmlSniffedKind = "pdf" | "jpeg" | "png" | "zip" | "html" | "unknown";

/** An attachment as parsed: its bytes went to the caller's sink, which returned `stored`. */
export type EdxmlAttachment<Stored> = {
  contentId?: string;
  contentType: string;
  name: string;
  /** Decoded size in bytes. */
  size: number;
  /** Hex SHA-256 of the decoded bytes. */
  sha256: string;
  sniffedKind: EdxmlSniffedKind;
  /** What the sink's `end()` returned (e.g. a temp file path). */
  stored: Stored;
};

/** A parsed package. */
export type EdxmlPackage<Stored> = {
  header: EdxmlMessageHeader;
  traceHeaderList?: EdxmlTraceHeaderList;
  references: EdxmlReference[];
  attachments: EdxmlAttachment<Stored>[];
};

/** Status codes of docs/EDXML.md (others are kept as sent). */
export const EDXML_STATUS_CODES = {
  arrived: "01",
  returned: "02",
  registered: "03",
  assigned: "04",
  inProgress: "05",
  done: "06",
  recall: "13",
  recallAccepted: "15",
  recallRefused: "16",
} as const;

/** The document a status is about. */
export type EdxmlResponseFor = {
  organId: string;
  /** Số/ký hiệu as one string, e.g. `45/STC-NS`. */
  code: string;
  promulgationDate: IsoDate;
  documentId?: string;
};

/** A `Status` message (sent with `messagetype: status`). */
export type EdxmlStatus = {
  responseFor: EdxmlResponseFor;
  from: EdxmlOrganization;
  /** Two digits, e.g. `03` (see {@link EDXML_STATUS_CODES}). */
  statusCode: string;
  description?: string;
  timestamp: LocalDateTime;
  staffInfo?: EdxmlStaffInfo;
};
