// Issue 18: OCR_ENABLED (reading a scan sent for /dangky) is on unless turned off;
// OCR_TIMEOUT_SECONDS is the clerk's wait before the manual form.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.ts";

describe("OCR_ENABLED, OCR_TIMEOUT_SECONDS", () => {
  it("reads scans by default, within 60 s; false or 0 turns it off", () => {
    expect(loadConfig({})).toMatchObject({ OCR_ENABLED: true, OCR_TIMEOUT_SECONDS: 60 });
    expect(loadConfig({ OCR_ENABLED: "false" }).OCR_ENABLED).toBe(false);
    expect(loadConfig({ OCR_ENABLED: "0" }).OCR_ENABLED).toBe(false);
    expect(loadConfig({ OCR_ENABLED: "true", OCR_TIMEOUT_SECONDS: "20" })).toMatchObject({ OCR_ENABLED: true, OCR_TIMEOUT_SECONDS: 20 });
  });

  it("refuses a value that is not true or false, naming the variable", () => {
    let problems: string[] = [];
    try {
      loadConfig({ OCR_ENABLED: "maybe" });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems.join("\n")).toMatch(/OCR_ENABLED/);
  });
});
