import { describe, expect, it } from "vitest";
import { parseMultipart, multipartBoundary, parseDisposition, MultipartError } from "./multipart.ts";
import { HtmlParseError, parseTelegramHtml } from "./fake-telegram-server.ts";

const CRLF = "\r\n";

describe("parseMultipart", () => {
  it("parses grammY's loose part headers with unquoted file names, binary-safe", () => {
    const boundary = "----------abc123";
    const bytes = Buffer.from([0, 255, 13, 10, 45, 45, 13, 10, 1, 2, 3]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}${CRLF}content-disposition:form-data;name="chat_id"${CRLF}${CRLF}42`),
      Buffer.from(`${CRLF}--${boundary}${CRLF}content-disposition:form-data;name="document"${CRLF}${CRLF}attach://xyz`),
      Buffer.from(`${CRLF}--${boundary}${CRLF}content-disposition:form-data;name="xyz";filename=Tờ trình; số 5.pdf${CRLF}`),
      Buffer.from(`content-type:application/octet-stream${CRLF}${CRLF}`),
      bytes,
      Buffer.from(`${CRLF}--${boundary}--${CRLF}`),
    ]);
    const parsed = parseMultipart(body, `multipart/form-data; boundary=${boundary}`);
    expect(parsed.fields).toEqual({ chat_id: "42", document: "attach://xyz" });
    expect(parsed.files.xyz?.fileName).toBe("Tờ trình; số 5.pdf");
    expect(parsed.files.xyz?.contentType).toBe("application/octet-stream");
    expect(Buffer.compare(parsed.files.xyz?.bytes ?? Buffer.alloc(0), bytes)).toBe(0);
  });

  it("parses the browser shape: quoted values, spaces, preamble, quoted boundary", () => {
    const boundary = "WebKitFormBoundary7MA4YWxkTrZu0gW";
    const body = Buffer.from(
      [
        "preamble to ignore",
        `--${boundary}`,
        'Content-Disposition: form-data; name="caption"',
        "",
        "Dòng 1\r\nDòng 2",
        `--${boundary}`,
        'Content-Disposition: form-data; name="photo"; filename="a \\"b\\".jpg"',
        "Content-Type: image/jpeg",
        "",
        "JPEG",
        `--${boundary}--`,
        "",
      ].join(CRLF),
    );
    const parsed = parseMultipart(body, `multipart/form-data; boundary="${boundary}"`);
    expect(parsed.fields.caption).toBe("Dòng 1\r\nDòng 2");
    expect(parsed.files.photo?.fileName).toBe('a "b".jpg');
    expect(parsed.files.photo?.bytes.toString()).toBe("JPEG");
  });

  it("decodes filename* and rejects bodies without a boundary", () => {
    expect(parseDisposition("form-data; name=\"f\"; filename*=UTF-8''C%C3%B4ng%20v%C4%83n.pdf").get("filename*")).toBe("Công văn.pdf");
    expect(multipartBoundary("multipart/form-data")).toBeUndefined();
    expect(() => parseMultipart(Buffer.from("x"), "multipart/form-data")).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from("no delimiter here"), "multipart/form-data; boundary=zz")).toThrow(MultipartError);
  });
});

describe("parseTelegramHtml", () => {
  it("returns visible text and entities with UTF-16 offsets", () => {
    const parsed = parseTelegramHtml('<b>Khẩn</b> &lt;3&gt; <a href="https://x.vn/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span>');
    expect(parsed.text).toBe("Khẩn <3> link s");
    expect(parsed.entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "text_link", offset: 9, length: 4, url: "https://x.vn/?a=1&b=2" },
      { type: "spoiler", offset: 14, length: 1 },
    ]);
  });

  it("supports pre with a language and keeps unknown entities literally", () => {
    const parsed = parseTelegramHtml('<pre><code class="language-ts">a &nbsp; b</code></pre>');
    expect(parsed.text).toBe("a &nbsp; b");
    expect(parsed.entities).toEqual([{ type: "pre", offset: 0, length: 10, language: "ts" }]);
  });

  it.each([
    ["x <br> y", 'Unsupported start tag "br" at byte offset 2'],
    ["<b>x", 'Can\'t find end tag corresponding to start tag "b"'],
    ["x</b>", "Unexpected end tag at byte offset 1"],
    ["<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ["ă <b", "Unclosed start tag at byte offset 3"],
    ["<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ["a < b", 'Unsupported start tag "" at byte offset 2'],
  ])("refuses %j", (html, message) => {
    expect(() => parseTelegramHtml(html)).toThrow(new HtmlParseError(message));
  });
});
