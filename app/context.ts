// Opens what every command needs: validated config, logger, database (migrated), core deps.
import {
  DEFAULT_SETTINGS,
  type CoreDeps,
  createDbFileStore,
  withLegacyFallback,
  createFsFileStore,
  type FileStore,
  createS3FileStore,
  openDatabase,
  type Database,
  withAuditCommitHook,
} from "../core/index.ts";
import { agencyCertificateOptions, getConfig, type Config } from "./config.ts";
import path from "node:path";
import { loadAgencyCertificate } from "../core/pdf/index.ts";
import { openAuditCheckpointer } from "./audit-checkpoints.ts";
import { createLogger, type Logger } from "./logger.ts";
import { StartupError } from "./startup-checks.ts";

export type AppContext = { config: Config; logger: Logger; db: Database; deps: CoreDeps; close(): Promise<void> };

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "28P01", "28000", "3D000"]);
const isConnectionError = (err: unknown): boolean => CONNECTION_CODES.has(String((err as { code?: unknown })?.code ?? ""));
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 200);
const hostOf = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "the given address";
  }
};

/** What a process is to the embedded database: its owner (the service) or a command (the CLI). */
export type AppRole = { role: "service" | "command"; command: string };

/** The CLI's role: a command named as the person typed it. */
const commandRole = (): AppRole => ({ role: "command", command: ["edoc", ...process.argv.slice(2)].join(" ") });

export const openAppContext = async ({ config = getConfig(), logger, as = commandRole() }: { config?: Config; logger?: Logger; as?: AppRole } = {}): Promise<AppContext> => {
  const log = logger ?? createLogger(config.LOG_LEVEL ?? "info", config.LOG_FORMAT);
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    owner: { ...as, log: log.child({ ns: "db" }) },
    onMigrated: (r) => {
      if (r.applied.length) log.info({ applied: r.applied }, "database migrated");
      if (r.modified.length) log.warn({ modified: r.modified }, "applied migrations were edited afterwards; add a new migration instead of editing an old one");
    },
  }).catch((err: unknown) => {
    // Unreachable PostgreSQL: one line naming the variable, not a stack.
    if (config.DATABASE_URL && isConnectionError(err))
      throw new StartupError(`DATABASE_URL: cannot connect to PostgreSQL at ${hostOf(config.DATABASE_URL)} (${errorText(err)}). Check that the server runs and the URL is right.`);
    throw err;
  });
  // A configured certificate that cannot be read stops start-up here, not at the first issue.
  const certificateOptions = agencyCertificateOptions(config);
  const agencyCertificate = certificateOptions ? await loadAgencyCertificate(certificateOptions) : undefined;
  const clock = { now: () => new Date() };
  // Commits that appended audit events checkpoint the chain's head outside the database (issue 16).
  const auditCheckpoint = openAuditCheckpointer({ dataDir: config.dataDir, secret: config.AUDIT_CHECKPOINT_SECRET, db: db.prisma, clock, logger: log });
  const deps: CoreDeps = {
    ...(agencyCertificate ? { agencyCertificate } : {}),
    prisma: withAuditCommitHook(db.prisma, auditCheckpoint.afterCommit),
    logger: log.child({ ns: "core" }),
    auditCheckpoint,
    clock,
    files: await openFileStore(config, db),
    settings: {
      ...DEFAULT_SETTINGS,
      linkCodeTtlHours: config.LINK_CODE_TTL_HOURS,
      linkServiceMaxFailures: config.LINK_SERVICE_MAX_FAILURES,
      linkServiceWindowMinutes: config.LINK_SERVICE_WINDOW_MINUTES,
      officeTimeZone: config.OFFICE_TZ,
      maxUploadBytes: Math.round(config.MAX_UPLOAD_MB * 1024 * 1024),
      agencyOrganId: config.AGENCY_ORGAN_ID,
      ...(config.OCR_ENABLED ? { ocr: { timeoutMs: config.OCR_TIMEOUT_SECONDS * 1000 } } : {}),
    },
  };
  return {
    config,
    logger: log,
    db,
    deps,
    close: async () => {
      await auditCheckpoint.close();
      await db.close();
    },
  };
};

/** What an `edoc` command opens: this process's configuration, logging at LOG_LEVEL (warn when unset). */
export const openCommandContext = (): Promise<AppContext> => {
  const config = getConfig();
  return openAppContext({ config, logger: createLogger(config.LOG_LEVEL ?? "warn", config.LOG_FORMAT) });
};

/**
 * Where files live: in the database when FILE_STORE says so (the default with DATABASE_URL, so every
 * process on every machine reaches them; files an older version kept in DATA_DIR/files are still
 * read from there), in an S3-compatible bucket with FILE_STORE=s3 (files not found there are still
 * read from the database, with DATABASE_URL, and from DATA_DIR/files: a deployment can switch without
 * losing its old files), else in DATA_DIR/files.
 */
export const openFileStore = async (config: Config, db: Database): Promise<FileStore> => {
  const local = createFsFileStore(path.join(config.dataDir, "files"));
  const kind = config.FILE_STORE ?? (config.DATABASE_URL ? "database" : "local");
  if (kind === "s3") {
    const s3 = await createS3FileStore({
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      // Checked by loadConfig when FILE_STORE=s3.
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID!,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(config.S3_ENDPOINT),
      tmpDir: path.join(config.dataDir, "tmp", "s3"),
    });
    return withLegacyFallback(s3, config.DATABASE_URL ? withLegacyFallback(createDbFileStore(db.prisma), local) : local);
  }
  return kind === "database" ? withLegacyFallback(createDbFileStore(db.prisma), local) : local;
};
