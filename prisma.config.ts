import { defineConfig } from "prisma/config";

/**
 * Prisma CLI configuration. Only `prisma generate` is used on machines without the native
 * schema engine; migrations are applied by `edoc migrate` (see core/store/migrate.ts).
 */
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
