// Writes edXML packages and status messages (docs/EDXML.md). Every text and attribute is escaped;
// characters XML 1.0 cannot carry at all (control characters other than tab and line breaks) are
// dropped; attachments are base64 in 76-character lines.
import { EDXML_NAMESPACE, XLINK_NAMESPACE } from "./edxml-types.ts";
import { escapeXml } from "../text/xml.ts";
import type { EdxmlBusiness, EdxmlOrganization, EdxmlPackageInput, EdxmlStaffInfo, EdxmlStatus, EdxmlTraceHeaderList, IsoDate, LocalDateTime } from "./edxml-types.ts";

// === Escaping and dates

export { escapeXml };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** `2026-12-10` → `10/12/2026`. */
export const formatEdxmlDate = (date: IsoDate): string => {
  const m = ISO_DATE.exec(date);
  if (!m) throw new TypeError(`formatEdxmlDate: not a yyyy-MM-dd date: ${date}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
};

/** `2026-12-10T08:05:00` → `10/12/2026 08:05:00`. */
export const formatEdxmlDateTime = (value: LocalDateTime): string => {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) throw new TypeError(`formatEdxmlDateTime: not a yyyy-MM-ddTHH:mm:ss value: ${value}`);
  return `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}:${m[6]}`;
};

// === A tiny writer

type Node = string | undefined | false | null;

/** An element with text; omitted when the value is undefined. */
const leaf = (name: string, value: string | undefined, indent: string): Node => (value === undefined ? undefined : `${indent}<edxml:${name}>${escapeXml(value)}</edxml:${name}>`);

const group = (name: string, children: Node[], indent: string, attrs = ""): string => {
  const inner = children.filter((c): c is string => typeof c === "string" && c.length > 0);
  if (inner.length === 0) return `${indent}<edxml:${name}${attrs}/>`;
  return `${indent}<edxml:${name}${attrs}>\n${inner.join("\n")}\n${indent}</edxml:${name}>`;
};

const organization = (name: string, org: EdxmlOrganization, indent: string) => {
  const i = `${indent}  `;
  return group(
    name,
    [
      leaf("OrganId", org.organId, i),
      leaf("OrganizationInCharge", org.organizationInCharge, i),
      leaf("OrganName", org.organName, i),
      leaf("OrganAdd", org.organAdd, i),
      leaf("Email", org.email, i),
      leaf("Telephone", org.telephone, i),
      leaf("Fax", org.fax, i),
      leaf("Website", org.website, i),
    ],
    indent,
  );
};

const staffInfo = (info: EdxmlStaffInfo | undefined, indent: string): Node => {
  if (!info) return undefined;
  const i = `${indent}  `;
  return group("StaffInfo", [leaf("Department", info.department, i), leaf("Staff", info.staff, i), leaf("Mobile", info.mobile, i), leaf("Email", info.email, i)], indent);
};

const business = (b: EdxmlBusiness | undefined, indent: string): Node => {
  if (!b) return undefined;
  const i = `${indent}  `;
  const replacement = b.replacementInfoList.length
    ? group(
        "ReplacementInfoList",
        b.replacementInfoList.map((r) =>
          group(
            "ReplacementInfo",
            [
              leaf("DocumentId", r.documentId, `${i}    `),
              group(
                "ToOrganIdList",
                r.organIds.map((id) => leaf("OrganId", id, `${i}      `)),
                `${i}    `,
              ),
            ],
            `${i}  `,
          ),
        ),
        i,
      )
    : undefined;
  return group(
    "Bussiness",
    [leaf("BussinessDocType", b.bussinessDocType, i), leaf("BussinessDocReason", b.bussinessDocReason, i), leaf("Paper", b.paper, i), staffInfo(b.staffInfo, i), replacement],
    indent,
  );
};

const traceHeaderList = (list: EdxmlTraceHeaderList | undefined, indent: string): Node => {
  if (!list) return undefined;
  const i = `${indent}  `;
  return group(
    "TraceHeaderList",
    [...list.traceHeaders.map((h) => group("TraceHeader", [leaf("OrganId", h.organId, `${i}  `), leaf("Timestamp", h.timestamp, `${i}  `)], i)), business(list.business, i)],
    indent,
  );
};

/** Base64 in lines of 76 characters (MIME style), each on its own line. */
const base64Lines = (bytes: Uint8Array, indent: string): string => {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(indent + b64.slice(i, i + 76));
  return lines.join("\n");
};

const OPEN_ROOT = `<?xml version="1.0" encoding="UTF-8"?>\n<edxml:edXML xmlns:edxml="${EDXML_NAMESPACE}" xmlns:xlink="${XLINK_NAMESPACE}">`;
const CLOSE_ROOT = "</edxml:edXML>\n";

// === Package

/**
 * Builds an edXML package: the envelope from `header`, the manifest and the encoded attachments from
 * `attachments`. Throws a TypeError on input our own code should never produce (no `To`, a bad date).
 *
 * @example
 * const bytes = buildEdxmlPackage({ header, attachments: [{ contentType: "application/pdf", name: "45-STC-NS.pdf", bytes: pdf }] });
 */
export const buildEdxmlPackage = (input: EdxmlPackageInput): Uint8Array => {
  const h = input.header;
  if (h.to.length === 0) throw new TypeError("buildEdxmlPackage: at least one To");
  if (input.attachments.length === 0) throw new TypeError("buildEdxmlPackage: at least one attachment");
  const ids = input.attachments.map((a, i) => a.contentId ?? String(i + 1));
  if (new Set(ids).size !== ids.length) throw new TypeError("buildEdxmlPackage: ContentIds must be unique");

  const m = "        "; // MessageHeader children
  const mi = `${m}  `;
  const messageHeader = group(
    "MessageHeader",
    [
      organization("From", h.from, m),
      ...h.to.map((t) => organization("To", t, m)),
      group("Code", [leaf("CodeNumber", h.code.codeNumber, mi), leaf("CodeNotation", h.code.codeNotation, mi)], m),
      group("PromulgationInfo", [leaf("Place", h.promulgationInfo.place, mi), leaf("PromulgationDate", formatEdxmlDate(h.promulgationInfo.promulgationDate), mi)], m),
      h.documentType && group("DocumentType", [leaf("Type", h.documentType.type, mi), leaf("TypeName", h.documentType.typeName, mi)], m),
      leaf("Subject", h.subject, m),
      leaf("Content", h.content, m),
      h.signerInfo &&
        group("SignerInfo", [leaf("Competence", h.signerInfo.competence, mi), leaf("Position", h.signerInfo.position, mi), leaf("FullName", h.signerInfo.fullName, mi)], m),
      leaf("DueDate", h.dueDate === undefined ? undefined : formatEdxmlDate(h.dueDate), m),
      h.toPlaces.length
        ? group(
            "ToPlaces",
            h.toPlaces.map((p) => leaf("Place", p, mi)),
            m,
          )
        : undefined,
      h.otherInfo &&
        group(
          "OtherInfo",
          [
            leaf("Priority", h.otherInfo.priority, mi),
            leaf("SphereOfPromulgation", h.otherInfo.sphereOfPromulgation, mi),
            leaf("TyperNotation", h.otherInfo.typerNotation, mi),
            leaf("PromulgationAmount", h.otherInfo.promulgationAmount, mi),
            leaf("PageAmount", h.otherInfo.pageAmount, mi),
            h.otherInfo.appendixes.length
              ? group(
                  "Appendixes",
                  h.otherInfo.appendixes.map((a) => leaf("Appendix", a, `${mi}  `)),
                  mi,
                )
              : undefined,
          ],
          m,
        ),
      leaf("SteeringType", h.steeringType, m),
      leaf("DocumentId", h.documentId, m),
    ],
    "      ",
  );

  const references = input.attachments.map((a, i) =>
    group(
      "Reference",
      [leaf("Description", a.description, "          "), leaf("AttachmentName", a.name, "          "), leaf("ContentType", a.contentType, "          ")],
      "        ",
      ` xlink:href="${escapeXml(`cid:${ids[i]}`)}"`,
    ),
  );

  const attachments = input.attachments.map((a, i) =>
    [
      "    <edxml:Attachment>",
      leaf("ContentType", a.contentType, "      "),
      leaf("ContentId", ids[i], "      "),
      `      <edxml:ContentTransferEncoded>\n${base64Lines(a.bytes, "")}\n      </edxml:ContentTransferEncoded>`,
      leaf("AttachmentName", a.name, "      "),
      "    </edxml:Attachment>",
    ].join("\n"),
  );

  const xml = [
    OPEN_ROOT,
    "  <edxml:edXMLEnvelope>",
    "    <edxml:edXMLHeader>",
    messageHeader,
    traceHeaderList(input.traceHeaderList, "      "),
    "    </edxml:edXMLHeader>",
    "    <edxml:edXMLBody>",
    group("edXMLManifest", references, "      "),
    "    </edxml:edXMLBody>",
    "  </edxml:edXMLEnvelope>",
    "  <edxml:AttachmentEncoded>",
    ...attachments,
    "  </edxml:AttachmentEncoded>",
    CLOSE_ROOT,
  ]
    .filter((line): line is string => typeof line === "string")
    .join("\n");
  return new TextEncoder().encode(xml);
};

// === Status

/**
 * Builds a status message (`messagetype: status`): `edXML/edXMLEnvelope/edXMLHeader/Status`, with an
 * empty body.
 */
export const buildEdxmlStatus = (status: EdxmlStatus): Uint8Array => {
  const s = "        ";
  const r = `${s}  `;
  const xml = [
    OPEN_ROOT,
    "  <edxml:edXMLEnvelope>",
    "    <edxml:edXMLHeader>",
    group(
      "Status",
      [
        group(
          "ResponseFor",
          [
            leaf("OrganId", status.responseFor.organId, r),
            leaf("Code", status.responseFor.code, r),
            leaf("PromulgationDate", formatEdxmlDate(status.responseFor.promulgationDate), r),
            leaf("DocumentId", status.responseFor.documentId, r),
          ],
          s,
        ),
        organization("From", status.from, s),
        leaf("StatusCode", status.statusCode, s),
        leaf("Description", status.description, s),
        leaf("Timestamp", formatEdxmlDateTime(status.timestamp), s),
        staffInfo(status.staffInfo, s),
      ],
      "      ",
    ),
    "    </edxml:edXMLHeader>",
    "    <edxml:edXMLBody/>",
    "  </edxml:edXMLEnvelope>",
    CLOSE_ROOT,
  ].join("\n");
  return new TextEncoder().encode(xml);
};
