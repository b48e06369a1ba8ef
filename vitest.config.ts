import { defineConfig } from "vitest/config";

// Projects by what a test needs (STYLE.md rule 23): no suffix = pure; .db = a database (PGlite by
// default, PostgreSQL when DATABASE_URL is set); .redis = Redis; .tz = run under several TZ values.
const BASE_EXCLUDE = ["node_modules/**", "data/**"];

export default defineConfig({
  test: {
    sequence: { seed: 20261126 },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...BASE_EXCLUDE, "test/**/*.db.test.ts", "test/**/*.redis.test.ts", "test/**/*.tz.test.ts", "test/reliability/**", "test/e2e/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "db",
          include: ["test/**/*.db.test.ts"],
          exclude: [...BASE_EXCLUDE, "test/reliability/**"],
          globalSetup: ["test/support/db-global-setup.ts"],
        },
      },
      {
        extends: true,
        test: { name: "redis", include: ["test/**/*.redis.test.ts"], exclude: [...BASE_EXCLUDE], globalSetup: ["test/support/db-global-setup.ts"] },
      },
      {
        extends: true,
        test: { name: "tz", include: ["test/**/*.tz.test.ts"], exclude: [...BASE_EXCLUDE] },
      },
    ],
  },
});
