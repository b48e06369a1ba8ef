// Every environment variable the product reads, in one zod schema (and `.env` when present, loaded
// by the CLI), parsed once at start-up. A bad value stops start-up with one line per variable that
// names it and says what to do. Nothing else reads `process.env` (test/app/config-env.test.ts checks
// it); core gets what it needs through CoreDeps (see context.ts). README's "Configuration" table lists
// exactly these variables (checked by the same test).
import path from "node:path";
import { z } from "zod";
import type { AgencyCertificateOptions } from "../core/pdf/index.ts";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const port = z
  .string()
  .regex(/^\d{1,5}$/, "must be a port number (0–65535)")
  .transform(Number)
  .refine((n) => n <= 65535, "must be a port number (0–65535)");

/** `true`/`1` or `false`/`0`; unset → undefined. */
const optionalBoolean = optionalString
  .pipe(z.enum(["true", "false", "1", "0"], { message: "must be true or false" }).optional())
  .transform((v) => (v === undefined ? undefined : v === "true" || v === "1"));

const isValidTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const ZConfig = z
  .object({
    /** PostgreSQL connection string; unset → embedded PGlite in `DATA_DIR/pg`. */
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
        .optional(),
    ),
    /** Embedded database and file store. @defaultValue ./data */
    DATA_DIR: z.string().default("./data"),
    /** Redis for BullMQ; unset → in-process jobs. */
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
        .optional(),
    ),
    /** The Telegram bot's token (from BotFather); unset → Telegram off. */
    TELEGRAM_BOT_TOKEN: optionalString,
    /** Bot API root: a local telegram-bot-api server (uploads up to 2,000 MB), or a test fake. @defaultValue https://api.telegram.org */
    TELEGRAM_API_ROOT: z
      .string()
      .url()
      .default("https://api.telegram.org")
      .transform((v) => v.replace(/\/+$/, "")),
    /** The Zalo bot's token (Zalo Bot Platform); unset → Zalo off. */
    ZALO_BOT_TOKEN: optionalString,
    /** Zalo Bot Platform API base. @defaultValue https://bot-api.zaloplatforms.com */
    ZALO_API_BASE: z
      .string()
      .url()
      .default("https://bot-api.zaloplatforms.com")
      .transform((v) => v.replace(/\/+$/, "")),
    /** How the bots hear people: `polling` (they ask) or `webhook` (the platform calls PUBLIC_BASE_URL). @defaultValue polling */
    BOT_MODE: z.enum(["polling", "webhook"]).default("polling"),
    /** Where webhooks and signed file links point, e.g. https://edoc.example.gov.vn */
    PUBLIC_BASE_URL: optionalString.pipe(z.string().url().optional()).transform((v) => v?.replace(/\/+$/, "")),
    /** Checked on every webhook request (at least 8 characters); required with BOT_MODE=webhook. */
    WEBHOOK_SECRET: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
    /** Port of health, metrics, webhooks, the web chat and signed downloads (0: any free port). @defaultValue 8080 */
    HTTP_PORT: port.default(8080),
    /** Interface the HTTP server listens on. @defaultValue 0.0.0.0 */
    HTTP_HOST: z.string().default("0.0.0.0"),
    /** The office's time zone (IANA): deadlines, quiet hours, dates people read. @defaultValue Asia/Ho_Chi_Minh */
    OFFICE_TZ: z.string().default("Asia/Ho_Chi_Minh").refine(isValidTimeZone, "is not a known IANA time zone"),
    /** pino level. @defaultValue info for the service, warn for the other `edoc` commands */
    LOG_LEVEL: optionalString.pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional()),
    /** `pretty` (pino-pretty), `json` (one object a line), or `auto`: pretty on a terminal, JSON otherwise. @defaultValue auto */
    LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
    /** Lifetime of link codes, in hours. @defaultValue 72 */
    LINK_CODE_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(72),
    /** Wrong link codes from all chats and browsers together per window before every redemption is refused for the window. @defaultValue 50 */
    LINK_SERVICE_MAX_FAILURES: z.coerce.number().int().positive().max(100_000).default(50),
    /** That window, in minutes. @defaultValue 30 */
    LINK_SERVICE_WINDOW_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .max(24 * 60)
      .default(30),
    /** Largest accepted upload, in megabytes. @defaultValue 50 */
    MAX_UPLOAD_MB: z.coerce.number().positive().max(2000).default(50),
    /** Read a scan sent for /dangky (text layer, then OCR) and prefill the form (issue 18). @defaultValue true */
    OCR_ENABLED: optionalBoolean.transform((v) => v ?? true),
    /** How long the clerk's turn waits for the read before falling back to the manual form, in seconds. @defaultValue 60 */
    OCR_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(60),
    /**
     * Where files live: `database` (every process on every machine reaches them), `s3` (an S3-compatible
     * bucket, every process reaches it; see S3_*) or `local` (DATA_DIR/files).
     * @defaultValue database with DATABASE_URL, else local
     */
    FILE_STORE: optionalString.pipe(z.enum(["database", "s3", "local"]).optional()),
    /** FILE_STORE=s3: the store's address, e.g. https://s3.example.gov.vn or http://minio:9000; unset → AWS S3. */
    S3_ENDPOINT: optionalString.pipe(z.string().url().optional()),
    /** FILE_STORE=s3: the bucket (it must exist). */
    S3_BUCKET: optionalString,
    /** FILE_STORE=s3: the region. @defaultValue us-east-1 (what MinIO and most S3-compatible stores expect) */
    S3_REGION: optionalString.transform((v) => v ?? "us-east-1"),
    /** FILE_STORE=s3: the access key allowed to get, put and delete objects in the bucket. */
    S3_ACCESS_KEY_ID: optionalString,
    /** FILE_STORE=s3: that key's secret. */
    S3_SECRET_ACCESS_KEY: optionalString,
    /** FILE_STORE=s3: address buckets as ENDPOINT/BUCKET/KEY. @defaultValue true with S3_ENDPOINT, else false */
    S3_FORCE_PATH_STYLE: optionalBoolean,
    /** Web-chat uploads being received at once per person; more are answered 429. @defaultValue 2 */
    MAX_UPLOADS_PER_USER: z.coerce.number().int().positive().max(100).default(2),
    /** Web-chat uploads being received at once by this process; more are answered 429. @defaultValue 8 */
    MAX_CONCURRENT_UPLOADS: z.coerce.number().int().positive().max(1000).default(8),
    /**
     * The agency's electronic identifier (mã định danh điện tử of Decision 20/2020/QĐ-TTg, e.g.
     * 000.00.31.H23): OrganId of the archive metadata (Decree 30 App. VI) and of document interchange.
     * Unset → the archive export refuses (the organisation's short code is no identifier).
     */
    AGENCY_ORGAN_ID: optionalString.pipe(
      z
        .string()
        .max(13, "must be at most 13 characters (Decree 30 App. VI)")
        .regex(/^[A-Z0-9]+(\.[A-Z0-9]+)*$/, "must be capital letters and digits in dot-separated groups, e.g. 000.00.31.H23")
        .optional(),
    ),
    /** Token for admin pages (queue dashboard); unset → admin pages off. */
    ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    /** The national document interchange (trục liên thông): its endpoint's base URL; unset → interchange off. */
    AXIS_URL: optionalString.pipe(z.string().url().optional()).transform((v) => v?.replace(/\/+$/, "")),
    /** The agency's system id on the interchange (the `systemid` header; required with AXIS_URL). */
    AXIS_SYSTEM_ID: optionalString,
    /** The agency's secret on the interchange (the `secret` header; required with AXIS_URL). */
    AXIS_SECRET: optionalString,
    /** How often to ask the interchange for new packages, in seconds. @defaultValue 60 */
    AXIS_POLL_SECONDS: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 3600)
      .default(60),

    // === Keys: unset → generated once and kept (in the database, or DATA_DIR/secrets without one)
    /** Key that signs download links (`/files/…`). @defaultValue generated once and kept in the database */
    FILE_LINK_SECRET: optionalString,
    /** Key that signs the audit log's checkpoints; keep it off the database machine's disk for stronger evidence. @defaultValue generated once in DATA_DIR/secrets */
    AUDIT_CHECKPOINT_SECRET: optionalString,
    /** The agency's certificate (PKCS#12) for the seal block and PAdES signature of issued documents; unset → no signature. */
    AGENCY_P12_PATH: optionalString,
    /** The certificate's passphrase (taken as it is, spaces included). @defaultValue empty */
    AGENCY_P12_PASSPHRASE: z.string().optional(),
    /** A file holding the passphrase (a Docker or Kubernetes secret); its last line break is dropped. */
    AGENCY_P12_PASSPHRASE_FILE: optionalString,
    /** Web Push public key of the web chat (base64url, 65 bytes); set together with VAPID_PRIVATE_KEY. @defaultValue generated once and kept in the database */
    VAPID_PUBLIC_KEY: optionalString,
    /** Web Push private key (base64url, 32 bytes); set together with VAPID_PUBLIC_KEY. */
    VAPID_PRIVATE_KEY: optionalString,
    /** Web Push contact (`mailto:` or `https:`). @defaultValue PUBLIC_BASE_URL when it is https, else mailto:webpush@edoc.invalid */
    VAPID_SUBJECT: optionalString,
    /** Extra Web Push services the web chat may send to (host names, comma-separated; e.g. a self-hosted one). @defaultValue none beyond the browsers' own */
    WEB_PUSH_HOSTS: optionalString,

    // === Pacing (jobs/pacing.ts): sends per second per channel from one jobs process
    /** Telegram sends per second from one jobs process (Telegram allows about 30/s per bot; with N jobs processes, divide). @defaultValue 28 */
    TELEGRAM_SENDS_PER_SECOND: z.coerce.number().positive().max(1000).default(28),
    /** Zalo sends per second from one jobs process (Zalo publishes no limit; with N jobs processes, divide). @defaultValue 5 */
    ZALO_SENDS_PER_SECOND: z.coerce.number().positive().max(1000).default(5),

    /**
     * `1`: WebAssembly (the embedded database, Prisma's query compiler) also uses V8's optimising tier.
     * Read by bin/edoc.js before any module loads (the one read outside this file); validated here.
     * @defaultValue unset → baseline tier only
     */
    EDOC_WASM_OPTIMIZE: optionalString.pipe(z.enum(["0", "1"], { message: "must be 1 or unset" }).optional()),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.FILE_STORE === "s3") {
      for (const name of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const)
        if (!cfg[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when FILE_STORE=s3" });
    }
    if (cfg.AXIS_URL) {
      for (const name of ["AXIS_SYSTEM_ID", "AXIS_SECRET", "AGENCY_ORGAN_ID"] as const)
        if (!cfg[name]?.trim()) ctx.addIssue({ code: "custom", path: [name], message: "is required when AXIS_URL is set" });
    }
    if (Boolean(cfg.VAPID_PUBLIC_KEY) !== Boolean(cfg.VAPID_PRIVATE_KEY)) {
      const missing = cfg.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY";
      ctx.addIssue({ code: "custom", path: [missing], message: "must be set together with the other VAPID key (generate a pair with `npx web-push generate-vapid-keys`)" });
    }
    if (cfg.BOT_MODE === "webhook") {
      if (!cfg.WEBHOOK_SECRET) ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when BOT_MODE=webhook" });
      if (!cfg.PUBLIC_BASE_URL) ctx.addIssue({ code: "custom", path: ["PUBLIC_BASE_URL"], message: "is required when BOT_MODE=webhook" });
    }
  });

export type Config = z.infer<typeof ZConfig> & { dataDir: string };

/** Every variable of the schema, in its order (README's table lists the same). */
export const CONFIG_VARIABLES = Object.keys(ZConfig.shape) as ReadonlyArray<keyof z.infer<typeof ZConfig>>;

/**
 * A configuration problem. `problems` holds one "VARIABLE what is wrong" per bad variable; the
 * message prints each on one line with what to do (the CLI prints the message alone, no stack).
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.map((p) => `${p}: fix it in the environment or in .env (README, "Configuration").`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Validates the environment, once at start-up. Throws `ConfigError` naming each bad variable. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`));
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
};

let processConfig: Config | undefined;

/** This process's configuration: `process.env` parsed the first time it is asked for, then kept. */
export const getConfig = (): Config => (processConfig ??= loadConfig());

/**
 * The agency certificate's options; null when AGENCY_P12_PATH is unset (the agency does not sign:
 * documents get the visible seal block only).
 *
 * @example const options = agencyCertificateOptions(config);
 */
export const agencyCertificateOptions = (
  config: Partial<Pick<Config, "AGENCY_P12_PATH" | "AGENCY_P12_PASSPHRASE" | "AGENCY_P12_PASSPHRASE_FILE">>,
): AgencyCertificateOptions | null => {
  const p12Path = config.AGENCY_P12_PATH?.trim();
  if (!p12Path) return null;
  return {
    p12Path,
    ...(config.AGENCY_P12_PASSPHRASE !== undefined ? { passphrase: config.AGENCY_P12_PASSPHRASE } : {}),
    ...(config.AGENCY_P12_PASSPHRASE_FILE?.trim() ? { passphraseFile: config.AGENCY_P12_PASSPHRASE_FILE.trim() } : {}),
  };
};
