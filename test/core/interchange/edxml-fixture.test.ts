// Packages written by hand, independent of our builder: another namespace prefix, the default namespace,
// attributes in another order, CDATA, comments, entities, CRLF line breaks, foreign elements.
import { describe, expect, it } from "vitest";
import { parseEdxmlPackage, parseEdxmlStatus } from "../../../core/interchange/edxml.ts";
import { createMemorySink, inPieces } from "../../support/edxml-fixtures.ts";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n", "latin1");
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);

/** base64 in lines of 20 characters with CRLF, and a comment in the middle of the content. */
const crlfBase64 = (bytes: Buffer) => {
  const b64 = bytes.toString("base64");
  const lines = b64.match(/.{1,20}/g)!;
  const half = Math.floor(lines.length / 2);
  return `\r\n${lines.slice(0, half).join("\r\n")}\r\n<!-- split by a gateway -->\r\n${lines.slice(half).join("\r\n")}\r\n`;
};

const prefixed = `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<!-- written by another vendor -->
<q:edXML xmlns:q="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <q:edXMLEnvelope>
    <q:edXMLHeader>
      <q:MessageHeader>
        <q:To><q:OrganName>UBND thành phố Quy Nhơn</q:OrganName><q:OrganId> 000.00.32.H10 </q:OrganId></q:To>
        <q:From>
          <q:OrganName>Sở Tài chính tỉnh Bình Định</q:OrganName>
          <q:OrganId>000.00.31.H10</q:OrganId>
          <q:Email>stc@binhdinh.gov.vn</q:Email>
        </q:From>
        <q:To><q:OrganId>000.00.33.H10</q:OrganId></q:To>
        <q:Code>
          <q:CodeNotation>STC-NS</q:CodeNotation>
          <q:CodeNumber>45</q:CodeNumber>
        </q:Code>
        <q:PromulgationInfo><q:PromulgationDate>09/01/2027</q:PromulgationDate><q:Place>Bình Định</q:Place></q:PromulgationInfo>
        <q:DocumentType><q:Type>2</q:Type><q:TypeName>Quyết định</q:TypeName></q:DocumentType>
        <q:Subject><![CDATA[V/v <dự toán> & "ngân sách" năm 2027]]></q:Subject>
        <q:Content>Tài chính &amp; ng&#x00E2;n s&#225;ch</q:Content>
        <q:SignerInfo><q:FullName>Nguyễn Văn Bình</q:FullName><q:Competence>KT. Giám đốc</q:Competence></q:SignerInfo>
        <q:DueDate>
          20/01/2027
        </q:DueDate>
        <q:ToPlaces><q:Place>Như trên;</q:Place><q:Place>Lưu: VT.</q:Place></q:ToPlaces>
        <q:OtherInfo><q:Priority>2</q:Priority><q:Appendixes><q:Appendix>Phụ lục</q:Appendix></q:Appendixes></q:OtherInfo>
        <q:SteeringType>1</q:SteeringType>
        <q:DocumentId>STC45</q:DocumentId>
        <x:Vendor xmlns:x="urn:vendor"><x:Subject>not ours</x:Subject></x:Vendor>
      </q:MessageHeader>
      <q:TraceHeaderList>
        <q:TraceHeader><q:OrganId>000.00.31.H10</q:OrganId><q:Timestamp>09/01/2027 14:00:00</q:Timestamp></q:TraceHeader>
        <q:TraceHeader><q:OrganId>000.00.00.G22</q:OrganId></q:TraceHeader>
      </q:TraceHeaderList>
      <ds:Signature><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>
    </q:edXMLHeader>
    <q:edXMLBody>
      <q:edXMLManifest>
        <q:Reference Id="r1" xmlns:xl="http://www.w3.org/1999/xlink" xl:href="cid:main"><q:ContentType>application/pdf</q:ContentType><q:AttachmentName>45.pdf</q:AttachmentName></q:Reference>
        <q:Reference xl:href="cid:img" xmlns:xl="http://www.w3.org/1999/xlink" Id="r2"><q:Description>Ảnh chụp</q:Description></q:Reference>
      </q:edXMLManifest>
    </q:edXMLBody>
  </q:edXMLEnvelope>
  <q:AttachmentEncoded>
    <q:Attachment>
      <q:ContentId>main</q:ContentId>
      <q:ContentTransferEncoded>${crlfBase64(PDF)}</q:ContentTransferEncoded>
    </q:Attachment>
    <q:Attachment>
      <q:AttachmentName>anh.jpg</q:AttachmentName>
      <q:ContentTransferEncoded><![CDATA[${JPEG.toString("base64")}]]></q:ContentTransferEncoded>
      <q:ContentId>img</q:ContentId>
      <q:ContentType>image/jpeg</q:ContentType>
    </q:Attachment>
  </q:AttachmentEncoded>
</q:edXML>
`;

describe("edXML parser on packages written by hand", () => {
  for (const pieceSize of [1 << 20, 3]) {
    it(`reads a package with another prefix, CDATA, comments, entities and CRLF base64 (pieces of ${pieceSize})`, async () => {
      const sink = createMemorySink();
      const pkg = await parseEdxmlPackage(inPieces(Buffer.from(prefixed.replace(/\n/g, "\r\n")), pieceSize), { sink, maxAttachmentBytes: 10_000 });
      expect(pkg.header).toEqual({
        from: { organId: "000.00.31.H10", organName: "Sở Tài chính tỉnh Bình Định", email: "stc@binhdinh.gov.vn" },
        to: [{ organId: "000.00.32.H10", organName: "UBND thành phố Quy Nhơn" }, { organId: "000.00.33.H10" }],
        code: { codeNumber: "45", codeNotation: "STC-NS" },
        promulgationInfo: { place: "Bình Định", promulgationDate: "2027-01-09" },
        documentType: { type: "2", typeName: "Quyết định" },
        subject: 'V/v <dự toán> & "ngân sách" năm 2027',
        content: "Tài chính & ngân sách",
        signerInfo: { competence: "KT. Giám đốc", fullName: "Nguyễn Văn Bình" },
        dueDate: "2027-01-20",
        toPlaces: ["Như trên;", "Lưu: VT."],
        otherInfo: { priority: "2", appendixes: ["Phụ lục"] },
        steeringType: "1",
        documentId: "STC45",
      });
      expect(pkg.traceHeaderList).toEqual({ traceHeaders: [{ organId: "000.00.31.H10", timestamp: "09/01/2027 14:00:00" }, { organId: "000.00.00.G22" }] });
      expect(pkg.references).toEqual([
        { href: "cid:main", contentType: "application/pdf", attachmentName: "45.pdf" },
        { href: "cid:img", description: "Ảnh chụp" },
      ]);
      expect(pkg.attachments.map((a) => [a.contentId, a.contentType, a.name, a.size, a.sniffedKind])).toEqual([
        ["main", "application/pdf", "45.pdf", PDF.length, "pdf"],
        ["img", "image/jpeg", "anh.jpg", JPEG.length, "jpeg"],
      ]);
      expect(pkg.attachments[0]!.stored.bytes.equals(PDF)).toBe(true);
      expect(pkg.attachments[1]!.stored.bytes.equals(JPEG)).toBe(true);
    });
  }

  it("reads a package in the default namespace (no prefix)", async () => {
    const xml = `<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <From><OrganId>A.1</OrganId></From><To><OrganId>B.2</OrganId></To>
      <Code><CodeNumber>7</CodeNumber><CodeNotation>UBND-VP</CodeNotation></Code>
      <PromulgationInfo><PromulgationDate>01/02/2027</PromulgationDate></PromulgationInfo>
      <Subject>Giấy mời</Subject></MessageHeader></edXMLHeader><edXMLBody/></edXMLEnvelope>
      <AttachmentEncoded><Attachment><ContentType>application/pdf</ContentType><AttachmentName>a.pdf</AttachmentName>
      <ContentTransferEncoded>${PDF.toString("base64")}</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`;
    const pkg = await parseEdxmlPackage(Buffer.from(xml), { sink: createMemorySink(), maxAttachmentBytes: 10_000 });
    expect(pkg.header).toEqual({
      from: { organId: "A.1" },
      to: [{ organId: "B.2" }],
      code: { codeNumber: "7", codeNotation: "UBND-VP" },
      promulgationInfo: { promulgationDate: "2027-02-01" },
      subject: "Giấy mời",
      toPlaces: [],
    });
    expect(pkg.attachments).toHaveLength(1);
    expect(pkg.attachments[0]!.stored.bytes.equals(PDF)).toBe(true);
  });

  it("reads a status message written by hand", async () => {
    const xml = `<?xml version="1.0"?>
<s:edXML xmlns:s="http://www.mic.gov.vn/TBT/QCVN_102_2016"><s:edXMLEnvelope><s:edXMLHeader><s:Status>
  <s:StatusCode>02</s:StatusCode>
  <s:From><s:OrganId>000.00.32.H10</s:OrganId></s:From>
  <s:ResponseFor><s:Code>45/STC-NS</s:Code><s:OrganId>000.00.31.H10</s:OrganId><s:PromulgationDate>10/12/2026</s:PromulgationDate></s:ResponseFor>
  <s:Description><![CDATA[Thiếu phụ lục]]></s:Description>
  <s:Timestamp>11/12/2026 16:45:00</s:Timestamp>
</s:Status></s:edXMLHeader><s:edXMLBody/></s:edXMLEnvelope></s:edXML>`;
    expect(await parseEdxmlStatus(Buffer.from(xml))).toEqual({
      responseFor: { organId: "000.00.31.H10", code: "45/STC-NS", promulgationDate: "2026-12-10" },
      from: { organId: "000.00.32.H10" },
      statusCode: "02",
      description: "Thiếu phụ lục",
      timestamp: "2026-12-11T16:45:00",
    });
  });
});
