import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { CATALOG, hasMessage, missingTranslations, t, type KeySuffix, type MessageKey, type MismatchedKeys } from "../../../core/messages/index.ts";
import { link } from "../../../core/messages/catalog/link.ts";
import { COMMAND_WORDS } from "../../../bots/shared/text/command-words.ts";

const sources = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== "generated") out.push(...(await sources(full)));
    else if (e.name.endsWith(".ts")) out.push(full);
  }
  return out;
};

describe("message catalog", () => {
  it("has every key in Vietnamese and English", () => {
    expect(missingTranslations()).toEqual([]);
  });

  it("has a message for every DomainError raised in core and bots", async () => {
    const missing: string[] = [];
    const checked: Record<string, number> = {};
    for (const root of ["core", "bots"]) {
      // No catch: a missing or unreadable folder fails the test instead of checking nothing.
      const files = await sources(root);
      checked[root] = 0;
      for (const file of files) {
        const text = await readFile(file, "utf8");
        for (const m of text.matchAll(/new DomainError\(\s*"([A-Z0-9_]+)",\s*"([\w.]+)"/g)) {
          checked[root] += 1;
          if (!hasMessage(m[2]!)) missing.push(`${file}: ${m[1]} → ${m[2]}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The scan really looked at the code: both roots raise many DomainErrors.
    expect(checked.core).toBeGreaterThan(50); // 125 when this was written
    expect(checked.bots).toBeGreaterThan(0);
  });

  it("uses the same placeholders in both languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(CATALOG.vi).filter((k) => JSON.stringify(names(CATALOG.vi[k]!)) !== JSON.stringify(names(CATALOG.en[k] ?? "")));
    expect(differing).toEqual([]);
  });

  it("fills placeholders and refuses unknown keys", () => {
    expect(t("vi", "assignment.alreadyAcknowledged", { ref: "D7-TCKH" })).toBe("Việc D7-TCKH đã được nhận trước đó.");
    // @ts-expect-error an unknown key is a type error; at run time (a key from stored data) it throws.
    expect(() => t("vi", "no.such.key")).toThrow(/Unknown message key/);
  });

  it("checks keys at compile time: both locales alike, dynamic keys by their suffixes", () => {
    const part = { vi: { "a.x": "x", "a.y": "y" }, en: { "a.x": "x", "a.z": "z" } };
    expectTypeOf<MismatchedKeys<typeof part>>().toEqualTypeOf<"a.y" | "a.z">();
    expectTypeOf<MismatchedKeys<typeof link>>().toEqualTypeOf<never>();
    expectTypeOf<KeySuffix<"weekday.">>().toEqualTypeOf<"1" | "2" | "3" | "4" | "5" | "6" | "7">();
    expectTypeOf<"link.codeExpired">().toMatchTypeOf<MessageKey>();
    expectTypeOf<"link.codeExpried">().not.toMatchTypeOf<MessageKey>();
    // The run-time twin of the compile-time check.
    expect(missingTranslations()).toEqual([]);
  });
});

// Issue 21 "Wording": one term each, everywhere in the Vietnamese catalog.
describe("Vietnamese catalog wording", () => {
  // [what is banned, the term to use]. Case-sensitive where a capital marks a label ("Hạn:", "Loại:").
  const BANNED: [RegExp, string][] = [
    [/số tham chiếu/i, "mã tham chiếu"],
    [/\bREF\b/, "mã tham chiếu (MÃ in a command's syntax)"],
    [/(xin|yêu cầu) gia hạn/i, "đề nghị gia hạn"],
    [/chậm hạn|trễ hạn|xong trễ|hoàn thành chậm/i, "hoàn thành quá hạn"],
    // The role label, not the verb ("để biết các lần nhập sai đến từ đâu").
    [/(?<!nhận )để biết(?=\s*[:),]|\s*$)|đơn vị để biết/i, "nhận để biết"],
    [/xác nhận nhận/i, "xác nhận đã nhận việc"],
    [/(^|[^\p{L}])Loại:/u, "Loại văn bản:"],
    [/(^|[^\p{L}])Hạn:/u, "Hạn xử lý:"],
    [/giao \{unit\}/, "giao cho {unit}"],
    [/\bedoc\b|\bnpx\b|\bnpm\b/, "no CLI command in a text a person reads"],
  ];
  // "đang mở" is banned for tasks only: a case file is open, a web page is open.
  const OPEN_ALLOWED = new Set(["office.caseFile.status.OPEN", "web.push.failed", "web.push.serviceRefused"]);

  it("has none of the banned variants", () => {
    const found: string[] = [];
    for (const [key, text] of Object.entries(CATALOG.vi)) {
      for (const [re, use] of BANNED) if (re.test(text)) found.push(`${key}: ${re} → ${use}`);
      if (/đang mở/i.test(text) && !OPEN_ALLOWED.has(key)) found.push(`${key}: "đang mở" → "đang xử lý"`);
    }
    expect(found).toEqual([]);
  });

  it("the check itself catches each variant", () => {
    const samples = [
      "Thiếu số tham chiếu",
      "REF: D7",
      "xin gia hạn",
      "Hoàn thành chậm 2 ngày",
      "xong trễ 3",
      "Để biết: TP",
      "TCKH (để biết)",
      "đơn vị để biết không có hạn",
      "đã xác nhận nhận việc",
      "Loại: Công văn",
      "Hạn: 20/12",
      "Việc D7 giao {unit}",
      "lệnh edoc user link-code",
    ];
    for (const s of samples)
      expect(
        BANNED.some(([re]) => re.test(s)),
        s,
      ).toBe(true);
    for (const s of ["mã tham chiếu", "nhận để biết: TP", "Loại văn bản: Công văn", "Hạn xử lý: 20/12", "hạn: 5 ngày", "giao cho {unit}", "để biết các lần nhập sai"]) {
      expect(
        BANNED.some(([re]) => re.test(s)),
        s,
      ).toBe(false);
    }
  });

  it("names only commands that exist", () => {
    const known = new Set(Object.values(COMMAND_WORDS).flatMap((words) => words.map((w) => w.replace(/ /g, ""))));
    const unknown: string[] = [];
    for (const [key, text] of Object.entries(CATALOG.vi)) {
      // A slash command: "/" at a word start, not a date ("20/12") nor a fraction of a code ("45/STC-NS").
      for (const m of text.matchAll(/(?<![\p{L}\p{N}/.])\/([a-z]+)(?![\p{L}\p{N}\-])/gu)) if (!known.has(m[1]!)) unknown.push(`${key}: /${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });
});
