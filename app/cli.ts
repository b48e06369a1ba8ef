// The `edoc` CLI: administers the service. Each command prints what it did, or a message that says
// what is wrong and exits non-zero.
import "dotenv/config";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { verifyAuditChain } from "../core/audit/verify-audit-chain.ts";
import { ConfigError, loadConfig } from "../core/config.ts";
import { isDomainError } from "../core/errors.ts";
import { issueLinkCode } from "../core/identity/issue-link-code.ts";
import { t } from "../core/messages/index.ts";
import { importOrganization } from "../core/org/import-organization.ts";
import path from "node:path";
import { openDatabase } from "../core/store/client.ts";
import { DataDirLockedError } from "../core/store/data-dir-lock.ts";
import { describeCheckpointCheck } from "./audit-checkpoints.ts";
import { openAppContext } from "./context.ts";
import { createLogger } from "./logger.ts";

const USAGE = `Usage: edoc <command> [options]

  serve [--role bots|jobs|all] run the service (bots, jobs, HTTP); default all
  migrate                      apply pending database migrations
  org import FILE              import units and users from a YAML file (idempotent)
  user link-code USER [--json] issue a one-time code to link a chat account (or sign in at /chat)
  user logout USER             sign the person out of the web chat everywhere
  audit verify                 check the audit log's hash chain and its last checkpoint
  calendar import FILE         import a year of days off and make-up working days (YAML)
  demo                         import the example organisation (UBND tỉnh Gia Lai) and print link codes
  report register|on-time …    registers (incoming, outgoing, tracking) as XLSX/CSV; the on-time report
  archive list|export|verify … the year's case files; export a closed one for the archive; verify a package
  document complete REF …      enter a secret incoming document's trích yếu and details (chat does not carry them)
`;

const quietLogger = () => createLogger(process.env.LOG_LEVEL ?? "warn");

const commands: Record<string, (args: string[]) => Promise<number>> = {
  serve: async (args) => {
    const { values } = parseArgs({ args, options: { role: { type: "string", default: "all" } } });
    if (!["bots", "jobs", "all"].includes(values.role!)) {
      console.error("Usage: edoc serve [--role bots|jobs|all]");
      return 2;
    }
    const { serve } = await import("./serve.ts");
    await serve(values.role as "bots" | "jobs" | "all");
    return -1; // keeps running
  },

  migrate: async () => {
    const config = loadConfig();
    const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, migrate: false, owner: { role: "command", command: "edoc migrate" } });
    const { migrate } = await import("../core/store/migrate.ts");
    const sql = await db.openSql();
    try {
      const result = await migrate(sql);
      console.log(result.applied.length ? `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}` : "Nothing to apply: the database is up to date.");
      if (db.owner && !result.applied.length) console.log(`(The running service, pid ${db.owner.pid}, owns the embedded database and applied every migration when it started.)`);
      for (const name of result.modified) console.warn(`Warning: migration ${name} was edited after it was applied.`);
    } finally {
      if (db.via !== "pglite") await sql.close();
      await db.close();
    }
    return 0;
  },

  org: async (args) => {
    if (args[0] !== "import" || !args[1]) {
      console.error("Usage: edoc org import FILE");
      return 2;
    }
    const text = await readFile(args[1], "utf8").catch(() => null);
    if (text === null) {
      console.error(`Cannot read ${args[1]}: check the path.`);
      return 2;
    }
    const app = await openAppContext({ logger: quietLogger() });
    try {
      const r = await importOrganization(app.deps, { text });
      console.log(`Imported: units ${r.units.created} new, ${r.units.updated} updated; users ${r.users.created} new, ${r.users.updated} updated.`);
      return 0;
    } finally {
      await app.close();
    }
  },

  user: async (args) => {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
    // --- user logout (web chat): revoke every web session of the person
    if (positionals[0] === "logout") {
      if (!positionals[1]) {
        console.error("Usage: edoc user logout USER_CODE");
        return 2;
      }
      const app = await openAppContext({ logger: quietLogger() });
      try {
        const { revokeWebSessions } = await import("../core/web/sign-out.ts");
        const r = await revokeWebSessions(app.deps, { userCode: positionals[1] });
        console.log(`Signed out ${r.userName} of the web chat: ${r.revoked} session(s) revoked.`);
        return 0;
      } finally {
        await app.close();
      }
    }
    // --- end user logout
    if (positionals[0] !== "link-code" || !positionals[1]) {
      console.error("Usage: edoc user link-code USER_CODE [--json]");
      return 2;
    }
    const app = await openAppContext({ logger: quietLogger() });
    try {
      const r = await issueLinkCode(app.deps, { userCode: positionals[1] });
      if (values.json) console.log(JSON.stringify({ user: r.userCode, code: r.code, expiresAt: r.expiresAt.toISOString() }));
      else console.log(`${r.code}  (${r.userName}; send "/link ${r.code}" to the bot; valid until ${r.expiresAt.toISOString()})`);
      return 0;
    } finally {
      await app.close();
    }
  },

  audit: async (args) => {
    if (args[0] !== "verify") {
      console.error("Usage: edoc audit verify");
      return 2;
    }
    const app = await openAppContext({ logger: quietLogger() });
    try {
      // The chain, then the table against the latest signed checkpoint of its head (a cut-off tail).
      const r = await verifyAuditChain(app.db.prisma, { checkpoints: app.deps.auditCheckpoint?.store });
      const checkpoint = r.checkpoint ? describeCheckpointCheck(r.checkpoint) : "";
      if (r.ok) {
        console.log(`Audit log intact: ${r.count} event(s). ${checkpoint}`.trim());
        return 0;
      }
      if (r.reason === "checkpoint") console.error(`${checkpoint} The chain itself is intact: ${r.count} event(s).`);
      else
        console.error(
          `Audit log broken at event #${r.seq}: ${r.reason === "hash" ? "its content does not match its hash (edited)" : "it does not follow the previous event (an event was deleted, inserted or reordered before it)"}.\n${checkpoint}`.trim(),
        );
      return 1;
    } finally {
      await app.close();
    }
  },

  calendar: async (args) => {
    if (args[0] !== "import" || !args[1]) {
      console.error("Usage: edoc calendar import FILE");
      return 2;
    }
    const text = await readFile(args[1], "utf8").catch(() => null);
    if (text === null) {
      console.error(`Cannot read ${args[1]}: check the path.`);
      return 2;
    }
    const app = await openAppContext({ logger: quietLogger() });
    try {
      const { importCalendarFile } = await import("../core/calendar/load-org-calendar.ts");
      const r = await importCalendarFile(app.deps, { text, name: args[1] });
      console.log(`Calendar ${r.year} imported: ${r.days} day(s)${r.replaced ? `, replacing ${r.replaced} earlier row(s)` : ""}.`);
      return 0;
    } finally {
      await app.close();
    }
  },

  // === report (issue 9: registers and the on-time report; see app/office-commands.ts)
  report: async (args) => (await import("./office-commands.ts")).reportCommand(args),
  // === archive (issue 9: case files and the archive package; see app/office-commands.ts)
  archive: async (args) => (await import("./office-commands.ts")).archiveCommand(args),
  // === document (issue 21: a secret document's details, entered on the office's machine; see app/document-commands.ts)
  document: async (args) => (await import("./document-commands.ts")).documentCommand(args),

  demo: async () => {
    const app = await openAppContext({ logger: quietLogger() });
    try {
      const text = await readFile(new URL("../examples/quy-nhon.yaml", import.meta.url), "utf8");
      const r = await importOrganization(app.deps, { text });
      console.log(`Demo organisation imported (units ${r.units.created} new, users ${r.users.created} new).`);
      console.log("One-time link codes (send /link CODE to a bot, or sign in with it at /chat):");
      for (const userCode of ["vanthu", "chutich", "cvp", "tp.tckh", "cv.tckh", "tp.tp"]) {
        const c = await issueLinkCode(app.deps, { userCode });
        console.log(`  ${userCode.padEnd(10)} ${c.code}  ${c.userName}`);
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};

/** What to tell a person whose command found the embedded database held by someone else. */
const lockedMessage = (err: DataDirLockedError): string => {
  const dataDir = path.dirname(err.pgDir);
  const holder = err.owner ? `pid ${err.owner.pid} (${err.owner.command}, since ${err.owner.startedAt})` : "another process";
  if (err.owner?.role === "service")
    return `DATA_DIR ${dataDir} is already in use by a running edoc service: ${holder}.\nOnly one service may own an embedded database. Stop that one first, or start this one with another DATA_DIR (or use PostgreSQL: DATABASE_URL). Admin commands (npx edoc …) work beside the running service.`;
  return `DATA_DIR ${dataDir} is busy: ${holder} holds the embedded database. Try again when it has finished.`;
};

/** Each command's own usage, for `edoc COMMAND --help` and for a mistyped option. */
const commandUsage = async (name: string): Promise<string> => {
  if (name === "report") return (await import("./office-commands.ts")).REPORT_USAGE;
  if (name === "archive") return (await import("./office-commands.ts")).ARCHIVE_USAGE;
  if (name === "document") return (await import("./document-commands.ts")).DOCUMENT_USAGE;
  const lines = USAGE.split("\n").filter((l) => l.startsWith(`  ${name} `) || l === `  ${name}`);
  return lines.length ? `Usage:\n${lines.map((l) => `  edoc ${l.trimStart()}`).join("\n")}` : USAGE;
};

const isUsageError = (err: unknown): err is Error & { code: string } =>
  err instanceof Error && typeof (err as unknown as { code?: unknown }).code === "string" && (err as unknown as { code: string }).code.startsWith("ERR_PARSE_ARGS_");

const main = async (): Promise<number> => {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(await commandUsage(name));
    return 0;
  }
  try {
    return await command(rest);
  } catch (err) {
    // A mistyped option or a missing value: say which, then how the command is used (not a stack).
    if (!isUsageError(err)) throw err;
    console.error(`${err.message}\n\n${await commandUsage(name)}`);
    return 2;
  }
};

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof DataDirLockedError) console.error(lockedMessage(err));
    else if (isDomainError(err)) console.error(t("vi", err.messageKey, err.params));
    else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
