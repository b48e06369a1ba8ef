import { describe, expect, it } from "vitest";
import { splitText } from "../../../bots/zalo/split-text.ts";

const ZALO_LIMIT = 2000;

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe("splitText", () => {
  it("splits a 4,500-character text into 3 parts of at most 2,000 that rejoin to the original", () => {
    const line = "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp các đơn vị liên quan tham mưu UBND thành phố.";
    const lines = Array.from({ length: 60 }, (_, i) => `${i + 1}. ${line}`);
    let text = lines.join("\n");
    text = text.slice(0, 4500);
    expect(text).toHaveLength(4500);

    const parts = splitText(text, ZALO_LIMIT);

    expect(parts).toHaveLength(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(ZALO_LIMIT);
    expect(parts.join("\n")).toBe(text);
    // Cuts fall on line boundaries: every part but the last ends a whole line.
    expect(parts[0]?.endsWith(line)).toBe(true);
    expect(parts[1]?.endsWith(line)).toBe(true);
  });

  it("returns short texts whole and an empty text as no parts", () => {
    expect(splitText("Xin chào", ZALO_LIMIT)).toEqual(["Xin chào"]);
    expect(splitText("x".repeat(ZALO_LIMIT), ZALO_LIMIT)).toEqual(["x".repeat(ZALO_LIMIT)]);
    expect(splitText("", ZALO_LIMIT)).toEqual([]);
  });

  it("cuts a single over-long line after a space, losing nothing", () => {
    const words = Array.from({ length: 700 }, (_, i) => `từ${i}`);
    const text = words.join(" ");
    expect(text.length).toBeGreaterThan(2 * ZALO_LIMIT);

    const parts = splitText(text, ZALO_LIMIT);

    expect(parts.join("")).toBe(text);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(ZALO_LIMIT);
    for (const part of parts.slice(0, -1)) expect(part.endsWith(" ")).toBe(true);
  });

  it("hard-splits a line without spaces and never cuts a surrogate pair", () => {
    const text = `x${"😀".repeat(1500)}`; // 3,001 UTF-16 code units: a pair straddles 2,000
    const parts = splitText(text, ZALO_LIMIT);

    expect(parts.join("")).toBe(text);
    expect(parts.map((p) => p.length)).toEqual([1999, 1002]);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(ZALO_LIMIT);
      expect(/^[\uDC00-\uDFFF]/.test(part)).toBe(false);
      expect(/[\uD800-\uDBFF]$/.test(part)).toBe(false);
    }
  });

  it("keeps the tail of a long line together with the following lines", () => {
    const text = `${"a".repeat(25)}\nbb\nc`;
    expect(splitText(text, 10)).toEqual(["a".repeat(10), "a".repeat(10), "aaaaa\nbb\nc"]);
  });

  it("works with Telegram's 4,096 limit", () => {
    const text = Array.from({ length: 300 }, (_, i) => `dòng số ${i}: ${"nội dung ".repeat(3)}`).join("\n");
    const parts = splitText(text, 4096);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join("\n")).toBe(text);
  });

  it("loses no character other than line breaks, in order, on random texts", () => {
    const random = prng(42);
    const alphabet = ["a", "ố", " ", "\n", "😀", "b", "ệ", "\n\n", "  "];
    for (let round = 0; round < 200; round++) {
      const limit = 2 + Math.floor(random() * 40);
      const length = Math.floor(random() * 200);
      let text = "";
      while (text.length < length) text += alphabet[Math.floor(random() * alphabet.length)];

      const parts = splitText(text, limit);

      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(limit);
        expect(part.length).toBeGreaterThan(0);
        expect(/[\uD800-\uDBFF]$/.test(part)).toBe(false);
      }
      expect(parts.join("").replace(/\n/g, "")).toBe(text.replace(/\n/g, ""));
    }
  });

  it("rejects a limit that cannot hold a surrogate pair", () => {
    expect(() => splitText("abc", 1)).toThrow(RangeError);
  });
});
