import { describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { makeFileLink, signFileLink, verifyFileLink } from "../../../core/files/signed-links.ts";

const SHA = "a".repeat(64);
const now = new Date("2026-12-01T00:00:00Z");
const claims = { sha256: SHA, userId: "u1", exp: Math.floor(now.getTime() / 1000) + 60, name: "D7.pdf" };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (e) {
    return (e as DomainError).code;
  }
};

describe("signed file links", () => {
  it("round-trips", () => {
    expect(verifyFileLink("s3cret", signFileLink("s3cret", claims), now)).toEqual(claims);
  });

  it("refuses an altered token, another secret and an expired link", () => {
    const token = signFileLink("s3cret", claims);
    const other = signFileLink("s3cret", { ...claims, userId: "u2" });
    expect(codeOf(() => verifyFileLink("s3cret", `${other.split(".")[0]}.${token.split(".")[1]}`, now))).toBe("FILE_LINK_INVALID");
    expect(codeOf(() => verifyFileLink("s3cret", token.slice(0, -2) + (token.endsWith("A") ? "BB" : "AA"), now))).toBe("FILE_LINK_INVALID");
    expect(codeOf(() => verifyFileLink("other", token, now))).toBe("FILE_LINK_INVALID");
    expect(codeOf(() => verifyFileLink("s3cret", "garbage", now))).toBe("FILE_LINK_INVALID");
    expect(codeOf(() => verifyFileLink("s3cret", token, new Date(now.getTime() + 61_000)))).toBe("FILE_LINK_EXPIRED");
  });

  it("makes links under the public base URL", () => {
    const url = makeFileLink({ baseUrl: "https://edoc.example.vn/", secret: "k" }, { sha256: SHA, userId: "u1", name: "D7.pdf", now });
    expect(url).toMatch(/^https:\/\/edoc\.example\.vn\/files\/[\w-]+\.[\w-]+$/);
  });
});
