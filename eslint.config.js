// ESLint (flat config), run by `npm run lint` together with scripts/check-imports.ts (layering and
// import cycles on the source text, type-only imports included). Three kinds of rule:
//   - the floors (core/README.md): app/, bots/ and jobs/ reach core only through its front door
//     (core/index.ts) and its named sub-entries; core imports neither bots/, jobs/ nor app/, nor its
//     own entries; bots/ and jobs/ do not import each other nor app/; only core/ uses Prisma;
//   - no import cycle at run time (import-x/no-cycle; scripts/check-cycles.ts also refuses type-only cycles);
//   - no floating promise (@typescript-eslint/no-floating-promises, with the types): a promise is awaited,
//     returned, or marked `void` with a comment saying why nothing waits for it.
import importX from "eslint-plugin-import-x";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

/** core's entries for outside code (scripts/codemod-core-imports.ts: FRONT_DOOR and SUB_ENTRIES). */
export const CORE_ENTRIES = ["index.ts", "pdf/index.ts", "ocr/index.ts", "interchange/index.ts", "office/index.ts"];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const DEEP_CORE = `(^|/)core/(?!(${CORE_ENTRIES.map(escape).join("|")})$)`;
const PRISMA = { group: ["@prisma/client", "@prisma/client/*", "@prisma/adapter-pg", "pglite-prisma-adapter"], message: "Only core/ uses Prisma: ask core for what you need." };
const deepCore = {
  regex: DEEP_CORE,
  message: "Import core through its front door (core/index.ts) or a named sub-entry (core/{pdf,ocr,interchange,office}/index.ts); run scripts/codemod-core-imports.ts.",
};
const layer = (name, forbidden) => ({
  regex: `(^|/)(${forbidden.join("|")})/`,
  message: `${name}/ must not import ${forbidden.join("/, ")}/ (DESIGN.md: bin → app → {bots, jobs} → core).`,
});

export default defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "dist/**",
      "data/**",
      "web/dist/**",
      "core/store/generated/**",
      "prisma/pglite-template/**",
      // Lint fixtures break the rules on purpose; test/lint/lint-rules.test.ts lints them.
      "test/lint/lint-fixtures/**",
    ],
  },
  {
    files: ["**/*.{ts,mts,js,mjs}"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX },
    settings: {
      // Relative imports name their files (`./x.ts`): node's resolution finds them; the imported files are read with the TypeScript parser.
      "import-x/resolver-next": [importX.createNodeResolver({ extensions: [".ts", ".js", ".mjs"] })],
      "import-x/extensions": [".ts", ".mts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".mts"] },
    },
    rules: {
      "import-x/no-cycle": "error",
      // The one core rule a disable comment in the sources names (core/text/xml.ts).
      "no-control-regex": "error",
    },
  },
  {
    // Floating promises need the types: the TypeScript sources of the two projects (tsconfig.json, web/tsconfig.json).
    files: ["**/*.{ts,mts}"],
    ignores: ["scripts/**", "web/vite.config.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  {
    files: ["app/**", "bots/**", "jobs/**", "bin/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [deepCore, PRISMA] }] },
  },
  {
    files: ["bots/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [deepCore, PRISMA, layer("bots", ["jobs", "app"])] }] },
  },
  {
    files: ["jobs/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [deepCore, PRISMA, layer("jobs", ["bots", "app"])] }] },
  },
  {
    files: ["core/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            layer("core", ["bots", "jobs", "app"]),
            // The entries are for outside code; inside core a module imports the module it needs (no cycle through a barrel).
            {
              regex: `^(\\./|(\\.\\./)+)(index|pdf/index|ocr/index|interchange/index|office/index)\\.ts$`,
              message: "core's entries are for outside code: import the module itself.",
            },
          ],
        },
      ],
    },
  },
);
