// The `edoc` CLI: administers the service. Each command prints what it did, or a message that says
// what is wrong and exits non-zero. Every command is declared once below with its summary (for
// `edoc --help`) and its usage (for `edoc COMMAND --help` and after a mistyped command): exit 2.
import "dotenv/config";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { verifyAuditChain, DEFAULT_SETTINGS, isDomainError, issueLinkCode, t, importOrganization, openDatabase, DataDirLockedError, formatDateTime } from "../core/index.ts";
import { ConfigError, getConfig } from "./config.ts";
import path from "node:path";
import { describeCheckpointCheck } from "./audit-checkpoints.ts";
import { openCommandContext } from "./context.ts";
import { StartupError } from "./startup-checks.ts";

/** A command typed wrong (a missing or extra argument): its message, then the command's usage; exit 2. */
class UsageError extends Error {}

type Command = {
  /** One line in `edoc --help`. */
  summary: string;
  /** `Usage:` and the command's forms: printed by `edoc COMMAND --help` and after a mistake. */
  usage: string | (() => Promise<string>);
  /** The exit code; -1 keeps the process running (the service). */
  run(args: string[]): Promise<number>;
};

/**
 * The positionals of a command form such as "import FILE": lower-case words must be typed as they
 * are, upper-case ones are values (returned in order). Anything missing or extra is a UsageError.
 */
const matchForm = (given: string[], form: string): string[] => {
  const words = form ? form.split(" ") : [];
  const values: string[] = [];
  words.forEach((word, i) => {
    const typed = given[i];
    if (word === word.toUpperCase()) {
      if (typed === undefined) throw new UsageError(`Missing ${word}.`);
      values.push(typed);
    } else if (typed !== word) throw new UsageError(typed === undefined ? `Missing "${word}".` : `Unknown subcommand "${typed}".`);
  });
  if (given.length > words.length) throw new UsageError(`Unexpected argument "${given[words.length]}".`);
  return values;
};

/** Positionals only: an option is a mistake (parseArgs throws, and the usage follows). */
const positionalsOf = (args: string[]): string[] => parseArgs({ args, allowPositionals: true, options: {} }).positionals;

/** A time as a person reads it: "HH:mm dd/mm/yyyy" in the office's zone (OFFICE_TZ), as the chat writes times. */
const officeTime = (at: Date | string, zone: string = officeZone()): string => formatDateTime(typeof at === "string" ? new Date(at) : at, zone);
const officeZone = (): string => {
  try {
    return getConfig().OFFICE_TZ;
  } catch {
    return DEFAULT_SETTINGS.officeTimeZone;
  }
};

const readInput = async (file: string): Promise<string> => {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) throw new UsageError(`Cannot read ${file}: check the path.`);
  return text;
};

const commands: Record<string, Command> = {
  serve: {
    summary: "run the service (bots, jobs, HTTP)",
    usage: `Usage:
  edoc serve [--role bots|jobs|all]
      run the service: bots, jobs and the HTTP server (all, the default), or one part of it to scale out`,
    run: async (args) => {
      const { values } = parseArgs({ args, options: { role: { type: "string", default: "all" } } });
      if (!["bots", "jobs", "all"].includes(values.role!)) throw new UsageError(`Unknown role "${values.role}".`);
      const { serve } = await import("./serve.ts");
      await serve(values.role as "bots" | "jobs" | "all");
      return -1; // keeps running
    },
  },

  migrate: {
    summary: "apply pending database migrations",
    usage: `Usage:
  edoc migrate
      apply pending database migrations (the service also does at start-up)`,
    run: async (args) => {
      matchForm(positionalsOf(args), "");
      const config = getConfig();
      const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir, migrate: false, owner: { role: "command", command: "edoc migrate" } });
      const { migrate } = await import("../core/index.ts");
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
  },

  org: {
    summary: "import units and users from a YAML file (idempotent)",
    usage: `Usage:
  edoc org import FILE
      import units and users from a YAML file (examples/quy-nhon.yaml); idempotent by code, never deletes`,
    run: async (args) => {
      const [file] = matchForm(positionalsOf(args), "import FILE");
      const text = await readInput(file!);
      const app = await openCommandContext();
      try {
        const r = await importOrganization(app.deps, { text });
        console.log(
          `Imported: units ${r.units.created} new, ${r.units.updated} updated; users ${r.users.created} new, ${r.users.updated} updated${r.agencies ? `; interchange agencies ${r.agencies}` : ""}.`,
        );
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  interchange: {
    summary: "the national document interchange: refresh the agency directory from the axis",
    usage: `Usage:
  edoc interchange agencies [--refresh]
      how many agencies the interchange directory holds; --refresh asks the axis (getAgencies) first
      (needs AXIS_URL, AXIS_SYSTEM_ID, AXIS_SECRET and AGENCY_ORGAN_ID; the jobs process also does it daily)
  edoc interchange failed
      the outgoing packages and status messages the axis kept refusing and that were given up`,
    run: async (args) => {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { refresh: { type: "boolean" } } });
      // --- interchange failed: what the axis kept refusing (given up, FAILED)
      if (positionals[0] === "failed") {
        matchForm(positionals, "failed");
        const app = await openCommandContext();
        try {
          const { listFailedInterchange } = await import("../core/interchange/index.ts");
          const rows = await listFailedInterchange(app.deps);
          if (rows.length === 0) console.log("Nothing given up: every package and status message was sent or is still being tried.");
          for (const r of rows) {
            const when = r.failedAt ? officeTime(r.failedAt, app.deps.settings.officeTimeZone) : "?";
            if (r.kind === "package")
              console.log(`package ${r.ref} (${r.code}) to ${r.to.join(", ")}: given up ${when} after ${r.attempts} attempts; last answer: ${r.lastError ?? "?"}`);
            else console.log(`status ${r.statusCode} about ${r.about} to ${r.to}: given up ${when} after ${r.attempts} attempts; last answer: ${r.lastError ?? "?"}`);
          }
          return 0;
        } finally {
          await app.close();
        }
      }
      // --- end interchange failed
      matchForm(positionals, "agencies");
      const app = await openCommandContext();
      try {
        if (values.refresh) {
          const { config } = app;
          if (!config.AXIS_URL) {
            console.error("The interchange is off: set AXIS_URL, AXIS_SYSTEM_ID, AXIS_SECRET and AGENCY_ORGAN_ID, then run this again.");
            return 1;
          }
          const { createAxisHttpTransport } = await import("../core/interchange/index.ts");
          const { refreshAgencyDirectory } = await import("../core/interchange/index.ts");
          const { InterchangeError } = await import("../core/index.ts");
          try {
            const r = await refreshAgencyDirectory(app.deps, {
              transport: createAxisHttpTransport({ baseUrl: config.AXIS_URL, systemId: config.AXIS_SYSTEM_ID!, secret: config.AXIS_SECRET! }),
            });
            console.log(`Asked the axis: ${r.total} agencies (${r.created} new, ${r.updated} updated, ${r.deactivated} no longer listed).`);
          } catch (err) {
            if (!(err instanceof InterchangeError)) throw err;
            console.error(`The axis could not be asked (${err.message}): check AXIS_URL and the credentials, or try again later. Nothing was changed.`);
            return 1;
          }
        }
        const { countDirectoryAgencies } = await import("../core/interchange/index.ts");
        const { axis, orgFile } = await countDirectoryAgencies(app.deps);
        console.log(`Interchange directory: ${axis} agencies from the axis, ${orgFile} from the organisation file.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  user: {
    summary: "issue a one-time link code (sign-in code), or sign a person out of the web chat",
    usage: `Usage:
  edoc user link-code USER [--json]
      issue a one-time code to link a chat account (send /link CODE to a bot) or sign in at /chat;
      --json prints { user, code, expiresAt }
  edoc user logout USER
      sign the person out of the web chat everywhere`,
    run: async (args) => {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
      // --- user logout (web chat): revoke every web session of the person
      if (positionals[0] === "logout") {
        if (values.json) throw new UsageError("--json goes with link-code only.");
        const [userCode] = matchForm(positionals, "logout USER");
        const app = await openCommandContext();
        try {
          const { revokeWebSessions } = await import("../core/index.ts");
          const r = await revokeWebSessions(app.deps, { userCode: userCode! });
          console.log(`Signed out ${r.userName} of the web chat: ${r.revoked} session(s) revoked.`);
          return 0;
        } finally {
          await app.close();
        }
      }
      // --- end user logout
      const [userCode] = matchForm(positionals, "link-code USER");
      const app = await openCommandContext();
      try {
        const r = await issueLinkCode(app.deps, { userCode: userCode! });
        if (values.json) console.log(JSON.stringify({ user: r.userCode, code: r.code, expiresAt: r.expiresAt.toISOString() }));
        else console.log(`${r.code}  (${r.userName}; send "/link ${r.code}" to the bot; valid until ${officeTime(r.expiresAt, app.deps.settings.officeTimeZone)})`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  audit: {
    summary: "check the audit log's hash chain and its last checkpoint",
    usage: `Usage:
  edoc audit verify
      check the audit log's hash chain (names the first bad event) and its last checkpoint
      (names how many events are missing); exits 1 when either fails`,
    run: async (args) => {
      matchForm(positionalsOf(args), "verify");
      const app = await openCommandContext();
      try {
        // The chain, then the table against the latest signed checkpoint of its head (a cut-off tail).
        const r = await verifyAuditChain(app.db.prisma, { checkpoints: app.deps.auditCheckpoint?.store });
        const checkpoint = r.checkpoint ? describeCheckpointCheck(r.checkpoint, (at) => officeTime(at, app.deps.settings.officeTimeZone)) : "";
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
  },

  calendar: {
    summary: "import a year of days off and make-up working days (YAML)",
    usage: `Usage:
  edoc calendar import FILE
      import a year of days off and make-up working days from a YAML file (core/calendar/years/ has examples)`,
    run: async (args) => {
      const [file] = matchForm(positionalsOf(args), "import FILE");
      const text = await readInput(file!);
      const app = await openCommandContext();
      try {
        const { importCalendarFile } = await import("../core/index.ts");
        const r = await importCalendarFile(app.deps, { text, name: file! });
        console.log(`Calendar ${r.year} imported: ${r.days} day(s)${r.replaced ? `, replacing ${r.replaced} earlier row(s)` : ""}.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  demo: {
    summary: "import the example organisation (UBND tỉnh Gia Lai) and print link codes",
    usage: `Usage:
  edoc demo
      import the example organisation (examples/quy-nhon.yaml) and print one-time link codes for its users`,
    run: async (args) => {
      matchForm(positionalsOf(args), "");
      const app = await openCommandContext();
      try {
        const text = await readFile(new URL("../examples/quy-nhon.yaml", import.meta.url), "utf8");
        const r = await importOrganization(app.deps, { text });
        console.log(`Demo organisation imported (units ${r.units.created} new, users ${r.users.created} new).`);
        const codes = [];
        for (const userCode of ["vanthu", "chutich", "cvp", "tp.tckh", "cv.tckh", "tp.tp"]) codes.push(await issueLinkCode(app.deps, { userCode }));
        const until = Math.min(...codes.map((c) => c.expiresAt.getTime()));
        console.log(`One-time link codes, valid until ${officeTime(new Date(until), app.deps.settings.officeTimeZone)} (send /link CODE to a bot, or sign in with it at /chat):`);
        for (const c of codes) console.log(`  ${c.userCode.padEnd(10)} ${c.code}  ${c.userName}`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  // === report (registers and the on-time report; see app/office-commands.ts)
  report: {
    summary: "registers (incoming, outgoing, tracking) as XLSX/CSV; the on-time report",
    usage: async () => (await import("./office-commands.ts")).REPORT_USAGE,
    run: async (args) => (await import("./office-commands.ts")).reportCommand(args),
  },
  // === archive (case files and the archive package; see app/office-commands.ts)
  archive: {
    summary: "the year's case files: open, add, close, list; export a closed one for the archive; verify a package",
    usage: async () => (await import("./office-commands.ts")).ARCHIVE_USAGE,
    run: async (args) => (await import("./office-commands.ts")).archiveCommand(args),
  },
  // === document (issue 21: a secret document's details, entered on the office's machine; see app/document-commands.ts)
  document: {
    summary: "enter a secret incoming document's trích yếu and details (chat does not carry them)",
    usage: async () => (await import("./document-commands.ts")).DOCUMENT_USAGE,
    run: async (args) => (await import("./document-commands.ts")).documentCommand(args),
  },
};

/** `edoc --help`: the commands, from their declarations above. */
const overview = (): string => {
  const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 2;
  return `Usage: edoc <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`)
  .join("\n")}

Run "edoc <command> --help" for a command's usage. Configuration comes from the environment or .env (README: Configuration).`;
};

const usageOf = async (command: Command): Promise<string> => (typeof command.usage === "string" ? command.usage : command.usage());

/** What to tell a person whose command found the embedded database held by someone else. */
const lockedMessage = (err: DataDirLockedError): string => {
  const dataDir = path.dirname(err.pgDir);
  const holder = err.owner ? `pid ${err.owner.pid} (${err.owner.command}, since ${officeTime(err.owner.startedAt)})` : "another process";
  if (err.owner?.role === "service")
    return `DATA_DIR ${dataDir} is already in use by a running edoc service: ${holder}.\nOnly one service may own an embedded database. Stop that one first, or start this one with another DATA_DIR (or use PostgreSQL: DATABASE_URL). Admin commands (npx edoc …) work beside the running service.`;
  return `DATA_DIR ${dataDir} is busy: ${holder} holds the embedded database. Try again when it has finished.`;
};

const isParseArgsError = (err: unknown): err is Error & { code: string } =>
  err instanceof Error && typeof (err as unknown as { code?: unknown }).code === "string" && (err as unknown as { code: string }).code.startsWith("ERR_PARSE_ARGS_");

/** `--help` or `-h` anywhere before a `--` (after which everything is a value). */
const asksForHelp = (args: string[]): boolean => {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
};

const main = async (): Promise<number> => {
  const [name, ...rest] = process.argv.slice(2);
  if (name === "help" || name === "--help" || name === "-h") {
    // `edoc help report` is `edoc report --help`.
    const about = name === "help" && rest[0] !== undefined ? commands[rest[0]] : undefined;
    console.log(about ? await usageOf(about) : overview());
    return 0;
  }
  if (!name) {
    console.error(overview());
    return 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${overview()}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    console.log(await usageOf(command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // A mistyped option, a missing value or argument: say which, then how the command is used (not a stack).
    if (!(err instanceof UsageError) && !isParseArgsError(err)) throw err;
    console.error(`${err.message}\n\n${await usageOf(command)}`);
    return 2;
  }
};

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    // What the operator fixes outside the code gets its message alone; a stack means a bug.
    if (err instanceof ConfigError || err instanceof StartupError) console.error(err.message);
    else if (err instanceof DataDirLockedError) console.error(lockedMessage(err));
    else if (isDomainError(err)) console.error(t("vi", err.messageKey, err.params));
    else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
