// Configuration from the environment (and `.env` when present), validated once at start-up.
// A bad value stops start-up with a message naming the variable.
import path from "node:path";
import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const port = z
  .string()
  .regex(/^\d{1,5}$/, "must be a port number (0–65535)")
  .transform(Number)
  .refine((n) => n <= 65535, "must be a port number (0–65535)");

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
    DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://").optional()),
    /** Embedded database and file store. @defaultValue ./data */
    DATA_DIR: z.string().default("./data"),
    /** Redis for BullMQ; unset → in-process jobs. */
    REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional()),
    TELEGRAM_BOT_TOKEN: optionalString,
    /** @defaultValue https://api.telegram.org */
    TELEGRAM_API_ROOT: z.string().url().default("https://api.telegram.org").transform((v) => v.replace(/\/+$/, "")),
    ZALO_BOT_TOKEN: optionalString,
    /** @defaultValue https://bot-api.zaloplatforms.com */
    ZALO_API_BASE: z.string().url().default("https://bot-api.zaloplatforms.com").transform((v) => v.replace(/\/+$/, "")),
    /** @defaultValue polling */
    BOT_MODE: z.enum(["polling", "webhook"]).default("polling"),
    /** Where webhooks and signed file links point, e.g. https://edoc.example.gov.vn */
    PUBLIC_BASE_URL: optionalString.pipe(z.string().url().optional()).transform((v) => v?.replace(/\/+$/, "")),
    WEBHOOK_SECRET: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
    /** @defaultValue 8080 */
    HTTP_PORT: port.default(8080),
    /** Interface the HTTP server listens on. @defaultValue 0.0.0.0 */
    HTTP_HOST: z.string().default("0.0.0.0"),
    /** @defaultValue Asia/Ho_Chi_Minh */
    OFFICE_TZ: z.string().default("Asia/Ho_Chi_Minh").refine(isValidTimeZone, "is not a known IANA time zone"),
    /** pino level. @defaultValue info */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** `pretty` (pino-pretty), `json` (one object a line), or `auto`: pretty on a terminal, JSON otherwise. @defaultValue auto */
    LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
    /** Lifetime of link codes, in hours. @defaultValue 72 */
    LINK_CODE_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(72),
    /** Wrong link codes from all chats and browsers together per window before every redemption is refused for the window. @defaultValue 50 */
    LINK_SERVICE_MAX_FAILURES: z.coerce.number().int().positive().max(100_000).default(50),
    /** That window, in minutes. @defaultValue 30 */
    LINK_SERVICE_WINDOW_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(30),
    /** Largest accepted upload, in megabytes. @defaultValue 50 */
    MAX_UPLOAD_MB: z.coerce.number().positive().max(2000).default(50),
    /** Read a scan sent for /dangky (text layer, then OCR) and prefill the form (issue 18). */
    OCR_ENABLED: optionalString.pipe(z.enum(["true", "false", "1", "0"], { message: "must be true or false" }).optional()).transform((v) => v === undefined || v === "true" || v === "1"),
    /** How long the clerk's turn waits for the read before falling back to the manual form. */
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
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    /** FILE_STORE=s3: address buckets as ENDPOINT/BUCKET/KEY. @defaultValue true with S3_ENDPOINT, else false */
    S3_FORCE_PATH_STYLE: optionalString.pipe(z.enum(["true", "false", "1", "0"], { message: "must be true or false" }).optional()).transform((v) => (v === undefined ? undefined : v === "true" || v === "1")),
    /** Web-chat uploads being received at once, per person and overall; more are answered 429. @defaultValue 2 and 8 */
    MAX_UPLOADS_PER_USER: z.coerce.number().int().positive().max(100).default(2),
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
    /** The agency's credentials on the interchange (required with AXIS_URL). */
    AXIS_SYSTEM_ID: optionalString,
    AXIS_SECRET: optionalString,
    /** How often to ask the interchange for new packages, in seconds. @defaultValue 60 */
    AXIS_POLL_SECONDS: z.coerce.number().int().min(5).max(24 * 3600).default(60),
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
    if (cfg.BOT_MODE === "webhook") {
      if (!cfg.WEBHOOK_SECRET) ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when BOT_MODE=webhook" });
      if (!cfg.PUBLIC_BASE_URL) ctx.addIssue({ code: "custom", path: ["PUBLIC_BASE_URL"], message: "is required when BOT_MODE=webhook" });
    }
  });

export type Config = z.infer<typeof ZConfig> & { dataDir: string };

/** A configuration problem, naming the variable(s) at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates the environment. Throws `ConfigError` naming each bad variable. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`));
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
};
