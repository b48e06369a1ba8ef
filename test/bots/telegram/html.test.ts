import { describe, expect, it } from "vitest";
import { escapeHtml, packText, renderHtmlParts } from "../../../bots/telegram/html.ts";

describe("Telegram HTML", () => {
  it("escapes what people typed and bolds the title", () => {
    expect(escapeHtml("<b>a & b</b>")).toBe("&lt;b&gt;a &amp; b&lt;/b&gt;");
    expect(renderHtmlParts({ title: "D7 <x>", text: "1 < 2 & 3" })).toEqual(["<b>D7 &lt;x&gt;</b>\n1 &lt; 2 &amp; 3"]);
  });

  it("packs long texts into the fewest parts under the limit, losing nothing", () => {
    const line = "chữ ".repeat(1250); // 5,000 characters on one line
    const text = `Tiêu đề\n${line}\nHạn: 20/12/2026`;
    const parts = packText(text, 4096);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    expect(parts.join("").replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
    expect(packText("😀".repeat(10), 5).every((p) => !/^[\udc00-\udfff]/.test(p))).toBe(true);
  });
});
