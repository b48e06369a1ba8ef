// How messages read on Zalo (no buttons: the replies end the text) and how Zalo failures map to the
// delivery job's SendError kinds.
import { describe, expect, it } from "vitest";
import { SendError } from "../../../core/ports/sender.ts";
import type { OutboundMessage } from "../../../core/ports/sender.ts";
import { encodeCallback } from "../../../core/workflow/actions.ts";
import { actionLines, renderZaloText, zaloStyledParts, zaloTextParts } from "../../../bots/zalo/render-zalo.ts";
import { ZaloApiError, ZaloHttpError } from "../../../bots/zalo/zalo-error.ts";
import { DEFAULT_ZALO_RETRY_AFTER_MS, toZaloSendError } from "../../../bots/zalo/zalo-sender.ts";

const card: OutboundMessage = {
  title: "Giao việc D7-TCKH",
  text: "Trích yếu: V/v <dự toán> & ngân sách",
  actions: [
    { label: "Nhận", command: "/nhan D7-TCKH", callback: "a1:ack:abc" },
    { label: "Báo cáo hoàn thành", command: "/xong D7-TCKH", callback: "a1:done:abc" },
  ],
};

describe("renderZaloText", () => {
  it("keeps the text plain and ends with the reply of the first action, the others above it", () => {
    const text = renderZaloText(card, { locale: "vi", extraLines: ["Tải D7.pdf: https://x/files/t"] });
    expect(text).toBe("Giao việc D7-TCKH\nTrích yếu: V/v <dự toán> & ngân sách\nTải D7.pdf: https://x/files/t\nBáo cáo hoàn thành: /xong D7-TCKH\nTrả lời: /nhan D7-TCKH");
  });

  it("numbers the choices of a confirmation echo", () => {
    const actions = (["confirm", "edit", "cancel"] as const).map((kind, i) => ({
      label: ["Xác nhận", "Sửa", "Hủy"][i]!,
      command: ["/ok", "/sua", "/huy"][i]!,
      callback: encodeCallback({ kind, nonce: "n0nce" }),
    }));
    expect(actionLines("vi", actions)).toEqual(["1. Xác nhận (/ok)  2. Sửa (/sua)  3. Hủy (/huy)"]);
    expect(actionLines("en", [actions[0]!])).toEqual(["1. Xác nhận (/ok)"]);
    expect(actionLines("en", [card.actions![0]!])).toEqual(["Reply: /nhan D7-TCKH"]);
    expect(actionLines("vi", [])).toEqual([]);
  });

  it("splits at 2,000 characters and the replies stay at the end of the last part", () => {
    const long = Array.from({ length: 50 }, (_, i) => `${i + 1}. ${"Giao phòng tham mưu trả lời. ".repeat(3)}`).join("\n");
    const parts = zaloTextParts(renderZaloText({ ...card, text: long }, { locale: "vi" }));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.at(-1)!.endsWith("Trả lời: /nhan D7-TCKH")).toBe(true);
  });
});

describe("zaloStyledParts", () => {
  const bold = (part: { text: string; styles: { start: number; len: number }[] }) => part.styles.map((s) => part.text.slice(s.start, s.start + s.len));

  it("bolds every reference and the exact reply lines, never inside a link", () => {
    const [part, ...more] = zaloStyledParts(card, { locale: "vi", extraLines: ["Tải D7.pdf: https://x/files/D7-TCKH.abc"] });
    expect(more).toEqual([]);
    expect(part!.text).toBe(renderZaloText(card, { locale: "vi", extraLines: ["Tải D7.pdf: https://x/files/D7-TCKH.abc"] }));
    expect(bold(part!)).toEqual(["D7-TCKH", "D7", "Báo cáo hoàn thành: /xong D7-TCKH", "Trả lời: /nhan D7-TCKH"]);
    expect(part!.styles.every((s) => s.st === "b")).toBe(true);
  });

  it("bolds references with a year and outgoing ones, not words that merely contain them", () => {
    const [part] = zaloStyledParts({ text: "Văn bản D12/2025 và P3-TCKH; mã ABD7 và D7x không phải." }, { locale: "vi" });
    expect(bold(part!)).toEqual(["D12/2025", "P3-TCKH"]);
  });

  it("computes the ranges per part when a long text is split", () => {
    const long = Array.from({ length: 50 }, (_, i) => `${i + 1}. Việc D${i + 1}-TCKH: ${"tham mưu trả lời. ".repeat(3)}`).join("\n");
    const parts = zaloStyledParts({ ...card, text: long }, { locale: "vi" });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) for (const s of p.styles) expect(s.start + s.len).toBeLessThanOrEqual(p.text.length);
    expect(bold(parts.at(-1)!).at(-1)).toBe("Trả lời: /nhan D7-TCKH");
    expect(parts.flatMap(bold).filter((b) => /^D\d+-TCKH$/.test(b)).length).toBeGreaterThanOrEqual(50);
  });
});

describe("toZaloSendError", () => {
  const api = (code: number, retryAfter?: number, status = code, description = "x") =>
    new ZaloApiError("sendMessage", {}, { error_code: code, description, ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}) }, status);

  it("maps 429 to rate_limited with retry_after, else a conservative default", () => {
    expect(toZaloSendError(api(429, 7))).toMatchObject({ kind: "rate_limited", retryAfterMs: 7000 });
    expect(toZaloSendError(api(429))).toMatchObject({ kind: "rate_limited", retryAfterMs: DEFAULT_ZALO_RETRY_AFTER_MS });
  });

  it("maps a 403 to blocked only when the platform's description says so; otherwise permanent, with its words", () => {
    expect(toZaloSendError(api(403, undefined, 403, "User has blocked the bot")).kind).toBe("blocked");
    expect(toZaloSendError(api(403, undefined, 403, "Người dùng đã chặn OA")).kind).toBe("blocked");
    const other = toZaloSendError(api(403, undefined, 403, "Bot is not allowed to send to this chat type"));
    expect(other.kind).toBe("permanent");
    expect(other.message).toContain("403: Bot is not allowed to send to this chat type");
  });

  it("maps 5xx and network failures to transient, 400 to permanent", () => {
    expect(toZaloSendError(api(502)).kind).toBe("transient");
    expect(toZaloSendError(new ZaloHttpError("sendMessage", "network", "ECONNRESET")).kind).toBe("transient");
    expect(toZaloSendError(new ZaloHttpError("sendMessage", "invalid-response", "HTML", undefined, 502)).kind).toBe("transient");
    expect(toZaloSendError(api(400)).kind).toBe("permanent");
    const same = new SendError("blocked", "x");
    expect(toZaloSendError(same)).toBe(same);
  });
});
