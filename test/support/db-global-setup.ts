// Prepares one migrated database per test run, which every .db test file copies:
// - PostgreSQL (DATABASE_URL set): a template database; each file gets CREATE DATABASE … TEMPLATE.
// - PGlite: a migrated in-memory database dumped to a tarball; each file loads it.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../core/store/migrate.ts";
import { pgClientRunner, pgliteRunner } from "../../core/store/sql.ts";
import { withDatabase } from "./pg-url.ts";

declare module "vitest" {
  export interface ProvidedContext {
    dbTemplate: { kind: "postgres"; adminUrl: string; template: string } | { kind: "pglite"; dumpPath: string };
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `edoc_tpl_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    const client = new pg.Client({ connectionString: withDatabase(url, template) });
    await client.connect();
    await migrate(pgClientRunner(client));
    await client.end();
    project.provide("dbTemplate", { kind: "postgres", adminUrl: url, template });
    return async () => {
      // Drop the per-file databases left by crashed workers, then the template.
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}_%`]);
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "edoc-pglite-"));
  const db = await PGlite.create("memory://");
  await migrate(pgliteRunner(db));
  const dump = await db.dumpDataDir("none");
  await db.close();
  const dumpPath = path.join(dir, "migrated.tar");
  await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide("dbTemplate", { kind: "pglite", dumpPath });
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
