// Prisma's driver adapters log every query with its arguments through `@prisma/debug`, which keeps
// the last 100 calls' arguments in memory for its crash reports even when debug output is off. After
// a large write in chunks (a 50 MB scan as 1 MiB parameters) that is up to 100 MB held until 100
// other queries push it out (measured by bench/uploads.ts, issue 20). Writers of large values call
// this once they are done; Prisma loses nothing it needs (the history only decorates panic reports).
import { clearLogs } from "@prisma/debug";

/** Drops the query arguments Prisma's debug history holds. */
export const forgetQueryArgs = (): void => clearLogs();
