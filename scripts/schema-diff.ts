// Development helper around Prisma's schema engine (WebAssembly build, no native binary):
// computes the SQL that takes the database from the committed migrations to prisma/schema.prisma.
// Used by `npm run migration:new NAME` and by the agreement test. Not used at run time.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

type Engine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

let engineClass: Promise<{ new: (opts: unknown, cb: () => void, adapter: object) => Promise<Engine> }> | undefined;

/** The wasm module is instantiated once per process: its JS glue keeps module-level state. */
const loadEngineClass = () => (engineClass ??= instantiateEngine());

const instantiateEngine = async (): Promise<{ new: (opts: unknown, cb: () => void, adapter: object) => Promise<Engine> }> => {
  // The package's entry imports the .wasm file as an ES module, which Node 20 only allows behind
  // --experimental-wasm-modules; instantiate it ourselves instead.
  const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as Record<string, unknown> & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
    SchemaEngine: { new: (opts: unknown, cb: () => void, adapter: object) => Promise<Engine> };
  };
  const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { "./schema_engine_bg.js": glue as WebAssembly.ModuleImports });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue.SchemaEngine;
};

/** Returns the SQL script from `migrationsDir`'s history to the datamodel of `schemaPath` ("" when they agree). */
export const diffMigrationsToSchema = async (schemaPath: string, migrationsDir: string): Promise<string> => {
  const SchemaEngine = await loadEngineClass();
  const schema = await readFile(schemaPath, "utf8");
  const entries = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    entries.map(async (name) => ({
      path: name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8") } },
    })),
  );
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const pglite = new PGlite("memory://");
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite));
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, adapter);
  try {
    const result = await engine.diff({
      from: {
        tag: "migrations",
        baseDir: path.resolve(migrationsDir),
        lockfile: { path: "migration_lock.toml", content: await readFile(lockPath, "utf8").catch(() => null) },
        shadowDbInitScript: "",
        migrationDirectories,
      },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const out = result.stdout ?? "";
    return /^\s*(--\s*This is an empty migration\.\s*)?$/.test(out) ? "" : out;
  } finally {
    engine.free();
    await pglite.close();
  }
};
