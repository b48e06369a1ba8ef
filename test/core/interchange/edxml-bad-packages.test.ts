// Every bad package of issue 19 is refused with its own code, and nothing it carried stays stored.
import { describe, expect, it } from "vitest";
import { buildEdxmlPackage, EdxmlError, parseEdxmlPackage, parseEdxmlStatus, type EdxmlPackageInput } from "../../../core/interchange/edxml.ts";
import { createMemorySink, inPieces, type MemorySink } from "../../support/edxml-fixtures.ts";

const NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
const PDF = Buffer.from("%PDF-1.4\n%%EOF\n", "latin1");
const PDF_B64 = PDF.toString("base64");

type Parts = {
  root?: string;
  header?: string;
  attachments?: string;
  prolog?: string;
};
const HEADER = {
  from: "<From><OrganId>000.00.31.H10</OrganId></From>",
  to: "<To><OrganId>000.00.32.H10</OrganId></To>",
  code: "<Code><CodeNumber>45</CodeNumber><CodeNotation>STC-NS</CodeNotation></Code>",
  promulgation: "<PromulgationInfo><PromulgationDate>10/12/2026</PromulgationDate></PromulgationInfo>",
  subject: "<Subject>Trích yếu</Subject>",
};
const headerWith = (over: Partial<Record<keyof typeof HEADER, string>> = {}) => Object.values({ ...HEADER, ...over }).join("");
const attachment = (contentType = "application/pdf", b64 = PDF_B64) =>
  `<Attachment><ContentType>${contentType}</ContentType><ContentId>1</ContentId><ContentTransferEncoded>${b64}</ContentTransferEncoded><AttachmentName>a.pdf</AttachmentName></Attachment>`;
const pkg = ({ root = `<edXML xmlns="${NS}">`, header = headerWith(), attachments = attachment(), prolog = "" }: Parts = {}) =>
  `${prolog}${root}<edXMLEnvelope><edXMLHeader><MessageHeader>${header}</MessageHeader></edXMLHeader><edXMLBody/></edXMLEnvelope><AttachmentEncoded>${attachments}</AttachmentEncoded></edXML>`;

const refusal = async (input: string | Uint8Array | AsyncIterable<Uint8Array>, sink: MemorySink = createMemorySink(), maxAttachmentBytes = 1024 * 1024) => {
  const bytes = typeof input === "string" ? Buffer.from(input) : input;
  const err = await parseEdxmlPackage(bytes, { sink, maxAttachmentBytes }).then(
    () => {
      throw new Error("the package was accepted");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EdxmlError);
  // Nothing half-stored: every attachment begun was discarded.
  expect([...sink.discarded].sort()).toEqual([...sink.began].sort());
  return err as EdxmlError;
};

describe("edXML parser refuses bad packages", () => {
  it("accepts the well-formed baseline these cases break", async () => {
    const parsed = await parseEdxmlPackage(Buffer.from(pkg()), { sink: createMemorySink(), maxAttachmentBytes: 1024 });
    expect(parsed.header.subject).toBe("Trích yếu");
  });

  it("invalid XML → xml_invalid", async () => {
    expect((await refusal(pkg().replace("</Subject>", "</Subjec>"))).code).toBe("xml_invalid");
    expect((await refusal("this is not xml")).code).toBe("xml_invalid");
    expect((await refusal(pkg().slice(0, -10))).code).toBe("xml_invalid");
  });

  it("bytes that are not UTF-8, or a declared other encoding → xml_invalid", async () => {
    const latin1 = Buffer.from(pkg().replace("Trích yếu", "Tr\u00edch"), "latin1");
    expect((await refusal(latin1)).code).toBe("xml_invalid");
    expect((await refusal(pkg({ prolog: '<?xml version="1.0" encoding="ISO-8859-1"?>' }))).code).toBe("xml_invalid");
  });

  it("an XML bomb (entity expansion) → doctype, before any entity is expanded", async () => {
    const bomb = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE edXML [",
      '  <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`),
      "]>",
    ].join("\n");
    const err = await refusal(pkg({ prolog: bomb, header: headerWith({ subject: "<Subject>&lol9;</Subject>" }) }));
    expect(err.code).toBe("doctype");
    // Even a harmless DOCTYPE is refused.
    expect((await refusal(pkg({ prolog: "<!DOCTYPE edXML>" }))).code).toBe("doctype");
  });

  it("an external entity (XXE) is never fetched: the DOCTYPE is refused", async () => {
    const xxe = '<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
    expect((await refusal(pkg({ prolog: xxe, header: headerWith({ subject: "<Subject>&x;</Subject>" }) }))).code).toBe("doctype");
  });

  it("a wrong or missing namespace → namespace; another root → root", async () => {
    expect((await refusal(pkg({ root: '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2015">' }))).code).toBe("namespace");
    expect((await refusal(pkg({ root: "<edXML>" }))).code).toBe("namespace");
    const otherRoot = pkg().replace(`<edXML xmlns="${NS}">`, `<Package xmlns="${NS}">`).replace("</edXML>", "</Package>");
    expect((await refusal(otherRoot)).code).toBe("root");
  });

  it("a wrong namespace is refused at the root, before a large body is read", async () => {
    let produced = 0;
    async function* foreign() {
      yield Buffer.from('<edXML xmlns="urn:other"><AttachmentEncoded><Attachment><ContentTransferEncoded>');
      for (; produced < 1000; produced++) yield Buffer.alloc(100_000, 0x41);
    }
    expect((await refusal(foreign())).code).toBe("namespace");
    expect(produced).toBeLessThan(3);
  });

  const missingCases: [string, string, Parts][] = [
    ["From.OrganId", "the sender's OrganId", { header: headerWith({ from: "<From><OrganName>Sở</OrganName></From>" }) }],
    ["From", "the sender", { header: headerWith({ from: "" }) }],
    ["To", "every recipient", { header: headerWith({ to: "" }) }],
    ["To.OrganId", "a recipient's OrganId", { header: headerWith({ to: "<To><OrganId>  </OrganId></To>" }) }],
    ["Code", "the Code", { header: headerWith({ code: "" }) }],
    ["Code.CodeNumber", "the number", { header: headerWith({ code: "<Code><CodeNotation>STC-NS</CodeNotation></Code>" }) }],
    ["PromulgationInfo.PromulgationDate", "the promulgation date", { header: headerWith({ promulgation: "<PromulgationInfo><Place>Bình Định</Place></PromulgationInfo>" }) }],
    ["Subject", "the subject", { header: headerWith({ subject: "<Subject></Subject>" }) }],
    ["Attachment", "every attachment", { attachments: "" }],
    ["Attachment.ContentType", "the attachment's ContentType", { attachments: attachment().replace("<ContentType>application/pdf</ContentType>", "") }],
    [
      "Attachment.ContentTransferEncoded",
      "the attachment's content",
      { attachments: `<Attachment><ContentType>application/pdf</ContentType><AttachmentName>a.pdf</AttachmentName></Attachment>` },
    ],
  ];
  for (const [path, what, parts] of missingCases) {
    it(`without ${what} → missing:${path}`, async () => {
      const err = await refusal(pkg(parts));
      expect(err.code).toBe(`missing:${path}`);
      expect(err.field).toBe(path);
    });
  }

  it("the same To OrganId twice → duplicate_to", async () => {
    const to = "<To><OrganId>000.00.32.H10</OrganId></To><To><OrganName>again</OrganName><OrganId>000.00.32.h10</OrganId></To>";
    expect((await refusal(pkg({ header: headerWith({ to }) }))).code).toBe("duplicate_to");
  });

  for (const bad of ["2026-12-10", "10/12/26", "1/12/2026", "31/02/2026", "10.12.2026", "hôm nay"]) {
    it(`a promulgation date ${JSON.stringify(bad)} → date_invalid`, async () => {
      const err = await refusal(pkg({ header: headerWith({ promulgation: `<PromulgationInfo><PromulgationDate>${bad}</PromulgationDate></PromulgationInfo>` }) }));
      expect(err.code).toBe("date_invalid");
      expect(err.field).toBe("PromulgationInfo.PromulgationDate");
    });
  }

  it("a due date that is not dd/MM/yyyy → date_invalid on DueDate", async () => {
    const err = await refusal(pkg({ header: headerWith() + "<DueDate>20-12-2026</DueDate>" }));
    expect([err.code, err.field]).toEqual(["date_invalid", "DueDate"]);
  });

  it("100 MB of base64 is refused at the limit, without reading (or holding) the rest", async () => {
    const head = Buffer.from(pkg().split(PDF_B64)[0]!);
    const line = Buffer.from(`${"QUFB".repeat(19)}\n`); // 76 base64 characters → 57 bytes
    const linesPerChunk = 1000;
    const chunk = Buffer.concat(Array.from({ length: linesPerChunk }, () => line));
    const totalChunks = Math.ceil((100 * 1024 * 1024) / chunk.length);
    let produced = 0;
    async function* hundredMegabytes() {
      yield head;
      for (; produced < totalChunks; produced++) yield chunk;
      yield Buffer.from(pkg().split(PDF_B64)[1]!);
    }
    const sink = createMemorySink();
    const limit = 1024 * 1024;
    const err = await refusal(hundredMegabytes(), sink, limit);
    expect(err.code).toBe("too_large");
    expect(err.field).toBe("Attachment[1]");
    // Stopped within a few chunks past the limit (1 MiB of bytes is ~19 chunks of 57,000 bytes).
    expect(produced).toBeLessThan(25);
    expect(produced).toBeLessThan(totalChunks);
    // The sink never got more than the limit.
    expect(sink.written.get(0)).toBeLessThanOrEqual(limit);
  });

  it("more attachments than allowed → too_large", async () => {
    const sink = createMemorySink();
    // Small pieces: the first two attachments are stored before the third one is seen.
    const input = inPieces(Buffer.from(pkg({ attachments: attachment().repeat(3) })), 50);
    const err = await parseEdxmlPackage(input, { sink, maxAttachmentBytes: 1024, maxAttachments: 2 }).catch((e: unknown) => e);
    expect((err as EdxmlError).code).toBe("too_large");
    expect(sink.ended).toEqual([0, 1]);
    expect(sink.discarded.sort()).toEqual([0, 1]);
  });

  it("a huge metadata element (no attachment involved) → too_large", async () => {
    const huge = `<Subject>${"a".repeat(3 * 1024 * 1024)}</Subject>`;
    expect((await refusal(inPieces(Buffer.from(pkg({ header: headerWith({ subject: huge }) })), 100_000))).code).toBe("too_large");
  });

  it("content that is not base64 → attachment_encoding", async () => {
    expect((await refusal(pkg({ attachments: attachment("application/pdf", "JVBER*i0xLjQ=") }))).code).toBe("attachment_encoding");
    expect((await refusal(pkg({ attachments: attachment("application/pdf", "JVBERi0=xLjQ") }))).code).toBe("attachment_encoding");
    expect((await refusal(pkg({ attachments: attachment("application/pdf", "JVBERi0&amp;") }))).code).toBe("attachment_encoding");
  });

  it("an element inside an attachment's content → xml_invalid", async () => {
    expect((await refusal(pkg({ attachments: attachment("application/pdf", `${PDF_B64}<b>x</b>`) }))).code).toBe("xml_invalid");
  });

  it("bytes that do not match the declared ContentType → type_mismatch, and the good attachment before it is discarded too", async () => {
    const html = Buffer.from("<!DOCTYPE html><html><body>Đăng nhập</body></html>").toString("base64");
    const sink = createMemorySink();
    const err = await refusal(pkg({ attachments: attachment() + attachment("application/pdf", html) }), sink);
    expect([err.code, err.field]).toEqual(["type_mismatch", "Attachment[2]"]);
    // Refused after the header was read: the refusal names the sender's document (for the status 02).
    expect(err.header).toMatchObject({
      from: { organId: "000.00.31.H10" },
      code: { codeNumber: "45", codeNotation: "STC-NS" },
      promulgationInfo: { promulgationDate: "2026-12-10" },
    });
    expect(sink.began).toEqual([0, 1]);
    expect(sink.discarded.sort()).toEqual([0, 1]);

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]).toString("base64");
    expect((await refusal(pkg({ attachments: attachment("image/jpeg", png) }))).code).toBe("type_mismatch");
    // A type we cannot check must not hide one we can.
    expect((await refusal(pkg({ attachments: attachment("application/msword", PDF_B64) }))).code).toBe("type_mismatch");
    expect((await refusal(pkg({ attachments: attachment("application/octet-stream", html) }))).code).toBe("type_mismatch");
  });

  it("a status message with an attachment, or without its StatusCode, is refused", async () => {
    const status = (inner: string) =>
      `<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><Status><ResponseFor><OrganId>A</OrganId><Code>1/X</Code><PromulgationDate>01/01/2027</PromulgationDate></ResponseFor><From><OrganId>B</OrganId></From>${inner}<Timestamp>01/01/2027 10:00:00</Timestamp></Status></edXMLHeader></edXMLEnvelope>`;
    const noCode = await parseEdxmlStatus(Buffer.from(`${status("")}</edXML>`)).catch((e: unknown) => e);
    expect((noCode as EdxmlError).code).toBe("missing:Status.StatusCode");
    const withFile = await parseEdxmlStatus(Buffer.from(`${status("<StatusCode>01</StatusCode>")}<AttachmentEncoded>${attachment()}</AttachmentEncoded></edXML>`)).catch(
      (e: unknown) => e,
    );
    expect((withFile as EdxmlError).code).toBe("too_large");
  });

  it("a package our builder makes is refused when a To repeats (the builder does not guard it, the parser does)", async () => {
    const input: EdxmlPackageInput = {
      header: {
        from: { organId: "A" },
        to: [{ organId: "B" }, { organId: "B" }],
        code: { codeNumber: "1", codeNotation: "X" },
        promulgationInfo: { promulgationDate: "2027-01-01" },
        subject: "s",
        toPlaces: [],
      },
      attachments: [{ contentType: "application/pdf", name: "a.pdf", bytes: PDF }],
    };
    expect((await refusal(buildEdxmlPackage(input))).code).toBe("duplicate_to");
  });
});
