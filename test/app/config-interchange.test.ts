// The interchange's configuration: off without AXIS_URL; with it, the credentials and our OrganId are required.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.ts";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe("interchange configuration", () => {
  it("is off without AXIS_URL, and polls every 60 s by default", () => {
    const config = loadConfig({});
    expect(config.AXIS_URL).toBeUndefined();
    expect(config.AXIS_POLL_SECONDS).toBe(60);
  });

  it("AXIS_URL without credentials stops start-up naming each missing variable", () => {
    expect(problemsOf({ AXIS_URL: "https://lgsp.binhdinh.gov.vn/axis/" })).toEqual([
      "AXIS_SYSTEM_ID is required when AXIS_URL is set",
      "AXIS_SECRET is required when AXIS_URL is set",
      "AGENCY_ORGAN_ID is required when AXIS_URL is set",
    ]);
  });

  it("a complete configuration is accepted; a bad URL or poll interval is named", () => {
    const config = loadConfig({
      AXIS_URL: "https://lgsp.binhdinh.gov.vn/axis/",
      AXIS_SYSTEM_ID: "quynhon",
      AXIS_SECRET: "s3cret",
      AGENCY_ORGAN_ID: "000.00.32.H10",
      AXIS_POLL_SECONDS: "30",
    });
    expect([config.AXIS_URL, config.AXIS_POLL_SECONDS]).toEqual(["https://lgsp.binhdinh.gov.vn/axis", 30]);
    expect(problemsOf({ AXIS_URL: "not a url" })[0]).toMatch(/^AXIS_URL /);
    expect(problemsOf({ AXIS_POLL_SECONDS: "1" })[0]).toMatch(/^AXIS_POLL_SECONDS /);
  });
});
