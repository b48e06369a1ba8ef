// app/config.ts is the one place that reads the environment: every variable in one zod schema, each
// with a doc comment, each in README's "Configuration" table (and nothing else there).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agencyCertificateOptions, CONFIG_VARIABLES, ConfigError, loadConfig } from "../../app/config.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** The product's runtime sources (scripts/, bench/ and test/ may read the environment). */
const RUNTIME_DIRS = ["app", "bin", "bots", "core", "jobs", "web/src"];
/** Read before any module is compiled (V8 flags), so it cannot go through app/config.ts; validated there. */
const ALLOWED = new Map([["bin/edoc.js", ['process.env.EDOC_WASM_OPTIMIZE !== "1"']]]);

const sourceFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs|cjs)$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.includes(`${path.sep}generated${path.sep}`) && !f.includes("node_modules"));
};

const readmeVariables = async (): Promise<string[]> => {
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  const section = readme.split(/^## Configuration$/m)[1]!.split(/^## /m)[0]!;
  const names = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
  return names;
};

describe("the environment is read in app/config.ts only", () => {
  it("no runtime source outside app/config.ts mentions process.env (bin/edoc.js's V8 flag aside)", async () => {
    const offenders: string[] = [];
    for (const dir of RUNTIME_DIRS)
      for (const file of await sourceFiles(dir)) {
        if (file === path.join("app", "config.ts")) continue;
        const lines = (await readFile(path.join(root, file), "utf8")).split("\n");
        lines.forEach((line, i) => {
          if (!/process\s*\.\s*env|process\[["']env["']\]/.test(line)) return;
          if (ALLOWED.get(file)?.some((allowed) => line.includes(allowed))) return;
          offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
      }
    expect(offenders).toEqual([]);
  });

  it("the check bites: it sees the one allowed read in bin/edoc.js", async () => {
    const text = await readFile(path.join(root, "bin", "edoc.js"), "utf8");
    expect(text).toMatch(/process\.env\.EDOC_WASM_OPTIMIZE/);
  });
});

describe("the schema and README's table", () => {
  it("list the same variables", async () => {
    const documented = await readmeVariables();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("every variable of the schema has a doc comment", async () => {
    const source = await readFile(path.join(root, "app", "config.ts"), "utf8");
    const lines = source.split("\n");
    const undocumented = CONFIG_VARIABLES.filter((name) => {
      const at = lines.findIndex((l) => new RegExp(`^\\s{4}${name}:`).test(l));
      return at < 1 || !lines[at - 1]!.trim().endsWith("*/");
    });
    expect(undocumented).toEqual([]);
  });

  it("an empty environment is a valid configuration with the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      DATA_DIR: "./data",
      HTTP_PORT: 8080,
      HTTP_HOST: "0.0.0.0",
      BOT_MODE: "polling",
      OFFICE_TZ: "Asia/Ho_Chi_Minh",
      LOG_FORMAT: "auto",
      TELEGRAM_SENDS_PER_SECOND: 28,
      ZALO_SENDS_PER_SECOND: 5,
    });
    expect(config.LOG_LEVEL).toBeUndefined();
    expect(config.FILE_LINK_SECRET).toBeUndefined();
  });
});

describe("a bad configuration", () => {
  const messageOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).message;
    }
    throw new Error("accepted");
  };

  it("is one line per variable, naming it and saying what to do", () => {
    const lines = messageOf({ HTTP_PORT: "http", EDOC_WASM_OPTIMIZE: "yes" }).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^HTTP_PORT must be a port number \(0–65535\): fix it in the environment or in \.env/);
    expect(lines[1]).toMatch(/^EDOC_WASM_OPTIMIZE must be 1 or unset: fix it/);
  });

  it("one VAPID key without the other names the missing one", () => {
    expect(messageOf({ VAPID_PUBLIC_KEY: "abc" })).toMatch(
      /^VAPID_PRIVATE_KEY must be set together with the other VAPID key \(generate a pair with `npx web-push generate-vapid-keys`\): fix it/,
    );
    expect(messageOf({ VAPID_PRIVATE_KEY: "abc" })).toMatch(/^VAPID_PUBLIC_KEY must be set together/);
  });

  it("pacing rates must be positive numbers", () => {
    expect(() => loadConfig({ TELEGRAM_SENDS_PER_SECOND: "0" })).toThrow(/^TELEGRAM_SENDS_PER_SECOND /);
    expect(loadConfig({ ZALO_SENDS_PER_SECOND: "2.5" }).ZALO_SENDS_PER_SECOND).toBe(2.5);
  });
});

// Moved from test/core/pdf/sign-pdf.test.ts with the function (core no longer reads variables).
describe("agencyCertificateOptions", () => {
  it("reads the certificate options from the environment", () => {
    expect(agencyCertificateOptions({})).toBeNull();
    expect(agencyCertificateOptions({ AGENCY_P12_PATH: "/etc/edoc/agency.p12", AGENCY_P12_PASSPHRASE: "x" })).toEqual({ p12Path: "/etc/edoc/agency.p12", passphrase: "x" });
    expect(agencyCertificateOptions({ AGENCY_P12_PATH: "/a.p12", AGENCY_P12_PASSPHRASE_FILE: "/run/secrets/p" })).toEqual({ p12Path: "/a.p12", passphraseFile: "/run/secrets/p" });
  });

  it("comes from the parsed configuration: the passphrase is kept as typed", () => {
    expect(agencyCertificateOptions(loadConfig({ AGENCY_P12_PATH: " /a.p12 ", AGENCY_P12_PASSPHRASE: " with spaces " }))).toEqual({
      p12Path: "/a.p12",
      passphrase: " with spaces ",
    });
  });
});
