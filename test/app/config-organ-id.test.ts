// Issue 21: AGENCY_ORGAN_ID, the agency's electronic identifier (mã định danh điện tử): optional,
// at most 13 characters (Decree 30 App. VI's OrganId), capital letters and digits in dot groups.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.ts";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
};

describe("AGENCY_ORGAN_ID", () => {
  it("is optional, and kept as given when it is an identifier", () => {
    expect(loadConfig({}).AGENCY_ORGAN_ID).toBeUndefined();
    expect(loadConfig({ AGENCY_ORGAN_ID: "  " }).AGENCY_ORGAN_ID).toBeUndefined();
    expect(loadConfig({ AGENCY_ORGAN_ID: "000.00.31.H23" }).AGENCY_ORGAN_ID).toBe("000.00.31.H23");
  });

  it("refuses a value longer than 13 characters or with spaces or small letters, naming the variable", () => {
    expect(problemsOf({ AGENCY_ORGAN_ID: "000.00.31.H23.01" })).toEqual(["AGENCY_ORGAN_ID must be at most 13 characters (Decree 30 App. VI)"]);
    expect(problemsOf({ AGENCY_ORGAN_ID: "ubnd qn" })[0]).toMatch(/^AGENCY_ORGAN_ID must be capital letters and digits/);
  });
});
