import { describe, expect, it } from "vitest";
import { defineKeywordGrammar } from "../../../../bots/shared/forms/keyword-grammar.ts";
import { readAsTyped, readWith, subjectLine } from "../../../../bots/shared/forms/lines.ts";
import { parseYesNo } from "../../../../bots/shared/text/values.ts";

// A toy form: the engine's rules, apart from /dangky and /phathanh (whose grammars have their own tests).
type Toy = { name: string; title: string; subject: string; tags: string[]; urgent: boolean };
const toy = defineKeywordGrammar<Toy, keyof Toy, "urgent", { fallback?: boolean }>({
  command: "register",
  lines: {
    person: {
      keywords: ["nguoi", "person"],
      sets: ["name", "title"],
      read: (value, fields) => {
        const [name = "", title] = value.split(",").map((s) => s.trim());
        fields.name = name;
        if (title) fields.title = title;
        else delete fields.title;
        return null;
      },
    },
    title: { keywords: ["chuc vu"], sets: ["title"], read: readAsTyped<Toy>("title") },
    subject: subjectLine<Toy>(),
    tags: { keywords: ["nhan"], sets: ["tags"], repeatable: true, read: (value, fields) => ((fields.tags = [...(fields.tags ?? []), value.trim()]), null) },
    urgent: { keywords: ["khan"], sets: ["urgent"], read: readWith<Toy, "urgent">("urgent", parseYesNo, "grammar.badYesNo") },
  },
  missing: (f) => (["name", "subject"] as const).filter((k) => f[k] === undefined),
  defaults: (ctx) => ({ urgent: ctx.fallback ?? false }),
  maxLength: { subject: 20 },
});

describe("defineKeywordGrammar", () => {
  it("matches keywords without diacritics, continues free text, adds up repeatable lines and reports a repeat", () => {
    const r = toy.parse("/dangky\nNgười: An, Chủ tịch\nTrích yếu: họp\ngiao ban\nnhãn: a\nnhãn: b\nngười: Bình", {});
    expect(r.fields).toEqual({ name: "Bình", subject: "họp giao ban", tags: ["a", "b"], urgent: false });
    expect(r.errors).toEqual([{ line: 7, messageKey: "grammar.duplicateField", value: "Bình" }]);
    expect(r.keywordLines).toBe(5);
    expect(r.defaultsApplied).toEqual(["urgent"]);
    expect(r.missing).toEqual([]);
  });

  it("applies no default over a value that failed, and clears the failed line's fields", () => {
    const r = toy.parseBody("khẩn: chắc vậy\nngười:", { fallback: true }, 2);
    expect(r.errors).toEqual([
      { line: 3, messageKey: "grammar.badYesNo", value: "chắc vậy" },
      { line: 4, messageKey: "grammar.emptyValue", value: "" },
    ]);
    expect(r.fields).toEqual({});
    expect(r.missing).toEqual(["name", "subject"]);
  });

  it("refuses a value over its length, also when continuation lines make it so", () => {
    expect(toy.parseBody(`trích yếu: ${"x".repeat(21)}`, {}).errors.map((e) => e.messageKey)).toEqual(["grammar.tooLong"]);
    const wrapped = toy.parseBody(`người: An\ntrích yếu: ${"x".repeat(15)}\n${"y".repeat(15)}`, {});
    expect(wrapped.errors).toEqual([{ line: 1, messageKey: "grammar.tooLong", value: `${"x".repeat(15)} ${"y".repeat(15)}`.slice(0, 40) + "…" }]);
    expect(wrapped.fields.subject).toBeUndefined();
  });

  it("answers a question by the line of its name, else the line setting only that field, else the first setting it", () => {
    expect(toy.answer("subject", " họp ", {})).toEqual({ fields: { subject: "họp" } });
    expect(toy.answer("title", "Chủ tịch", {})).toEqual({ fields: { title: "Chủ tịch" } });
    expect(toy.answer("name", "An, Phó Chủ tịch", {})).toEqual({ fields: { name: "An", title: "Phó Chủ tịch" } });
    expect(toy.answer("urgent", "gấp", {})).toEqual({ error: "grammar.badYesNo" });
  });

  it("shows the defaults where nothing was typed", () => {
    expect(toy.withDefaults({ name: "An" }, { fallback: true })).toEqual({ name: "An", urgent: true });
    expect(toy.withDefaults({ urgent: false }, { fallback: true })).toEqual({ urgent: false });
  });

  it("refuses a spec in which two lines share a keyword", () => {
    expect(() =>
      defineKeywordGrammar<Toy, keyof Toy, never, object>({
        command: "register",
        lines: { a: { keywords: ["ten"], sets: ["name"], read: () => null }, b: { keywords: ["ten"], sets: ["title"], read: () => null } },
        missing: () => [],
        defaults: () => ({}),
      }),
    ).toThrow(/"ten" is on lines a and b/);
  });
});
