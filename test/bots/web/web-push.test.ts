// The pure parts of the web chat's Web Push: which endpoints the server may send to, what a push
// says (title and first line only), and when it is urgent.
import { describe, expect, it } from "vitest";
import { isAllowedPushEndpoint, pushPayloadOf, pushUrgencyOf } from "../../../bots/web/web-push.ts";

describe("isAllowedPushEndpoint", () => {
  it("accepts the browsers' push services over https", () => {
    for (const endpoint of [
      "https://fcm.googleapis.com/fcm/send/abc:APA91b",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
      "https://wns2-db5p.notify.windows.com/w/?token=BQYAAA",
      "https://web.push.apple.com/QGuQyavXutnMH",
    ])
      expect(isAllowedPushEndpoint(endpoint), endpoint).toBe(true);
  });
  it("refuses anything else: other hosts, http, other ports, look-alike domains, credentials, garbage", () => {
    for (const endpoint of [
      "http://fcm.googleapis.com/fcm/send/x",
      "https://fcm.googleapis.com:8443/fcm/send/x",
      "https://fcm.googleapis.com.evil.example/x",
      "https://evilpush.services.mozilla.com.example/x",
      "https://push.services.mozilla.com/x", // the bare domain: only its subdomains are push services
      "https://user:pw@fcm.googleapis.com/x",
      "https://127.0.0.1/x",
      "https://169.254.169.254/latest/meta-data",
      "file:///etc/passwd",
      "",
      "fcm.googleapis.com/fcm/send/x",
    ])
      expect(isAllowedPushEndpoint(endpoint), endpoint).toBe(false);
  });
  it("an entry with a port allows exactly that host and port", () => {
    expect(isAllowedPushEndpoint("https://127.0.0.1:8443/p", ["127.0.0.1:8443"])).toBe(true);
    expect(isAllowedPushEndpoint("https://127.0.0.1:8444/p", ["127.0.0.1:8443"])).toBe(false);
    expect(isAllowedPushEndpoint("https://127.0.0.1/p", ["127.0.0.1:8443"])).toBe(false);
  });
});

describe("pushPayloadOf", () => {
  it("carries the title and the first non-empty line only", () => {
    const p = pushPayloadOf({ id: "m1", payload: { title: "Giao việc D1-TCKH", text: "\nV/v hướng dẫn lập dự toán\nNội dung chỉ đạo: …", actions: [] } }, "vi");
    expect(p).toEqual({ title: "Giao việc D1-TCKH", body: "V/v hướng dẫn lập dự toán", tag: "m1", url: "/chat" });
  });
  it("names the bot when the message has no title, and clips long lines", () => {
    const p = pushPayloadOf({ id: "m2", payload: { text: "x".repeat(500) } }, "vi");
    expect(p.title).toBe("Văn phòng điện tử");
    expect(p.body).toHaveLength(160);
    expect(p.body.endsWith("…")).toBe(true);
    expect(pushPayloadOf({ id: "m3", payload: { text: "" } }, "en").title).toBe("E-office");
  });
});

describe("pushUrgencyOf", () => {
  it("is high for a FLASH (hỏa tốc) message, in either language, and normal otherwise", () => {
    expect(pushUrgencyOf({ title: "[HỎA TỐC] Giao việc D1-TCKH", text: "" })).toBe("high");
    expect(pushUrgencyOf({ title: "[FLASH] New assignment D1-TCKH", text: "" })).toBe("high");
    expect(pushUrgencyOf({ title: "[KHẨN] Giao việc D1-TCKH", text: "" })).toBe("normal");
    expect(pushUrgencyOf({ text: "hỏa tốc" })).toBe("normal");
  });
});
