import { describe, expect, it } from "vitest";
import { LINK_CODE_ALPHABET, formatLinkCode, normalizeLinkCode, readBareLinkCode } from "../../../../bots/shared/text/link-code.ts";

describe("link codes", () => {
  it("uses an alphabet without look-alikes", () => {
    for (const c of "01ILO") expect(LINK_CODE_ALPHABET).not.toContain(c);
    expect(new Set(LINK_CODE_ALPHABET).size).toBe(LINK_CODE_ALPHABET.length);
  });

  it.each(["ABCD-2345", "abcd-2345", "ABCD 2345", "abcd2345", " ABCD-2345 "])("normalises %j", (typed) => {
    expect(normalizeLinkCode(typed)).toBe("ABCD2345");
  });

  it.each(["ABCD-234", "ABCD-23456", "ABC0-2345", "ILOV-2345", "AB-CD2345", "ABCD--2345", ""])("rejects %j", (typed) => {
    expect(normalizeLinkCode(typed)).toBeNull();
  });

  it("formats grouped 4-4", () => {
    expect(formatLinkCode("abcd2345")).toBe("ABCD-2345");
  });

  it("takes a bare message for a code only in a code-like form", () => {
    expect(readBareLinkCode("WXYZ-HJKM")).toBe("WXYZHJKM");
    expect(readBareLinkCode("wxyz2345")).toBe("WXYZ2345");
    // An ordinary 8-letter word is not a link attempt.
    expect(readBareLinkCode("STRENGTH")).toBeNull();
    expect(readBareLinkCode("chao anh")).toBeNull();
  });
});
