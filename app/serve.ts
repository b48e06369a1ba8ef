// `edoc serve` (npm start): the long-running service. Wires config, database, file store, channel
// senders and bots, the job runner and the HTTP server; stops them in reverse order on SIGINT/SIGTERM.
import path from "node:path";
import { type Sender, releaseAbandonedClaims, closeDefaultPageReader } from "../core/index.ts";
import { getConfig, type Config } from "./config.ts";
// The Telegram and Zalo adapters (grammy and its plugins) are loaded only when their token is set.
import type { TelegramBot } from "../bots/telegram/index.ts";
import type { ZaloBot } from "../bots/zalo/index.ts";
import { createWebChat, loadWebPushOptions, WEB_CHAT_PATH } from "../bots/web/index.ts";
import { OUTBOX_JOB_DEFINITIONS } from "../jobs/definitions/index.ts";
import { createDigestWeeklyJob } from "../jobs/definitions/digest-weekly.ts";
import { digestDailyJob } from "../jobs/definitions/digest-daily.ts";
import { reminderSendJob } from "../jobs/definitions/reminder-send.ts";
import { reminderSweepJob } from "../jobs/definitions/reminder-sweep.ts";
import { updatesPruneJob } from "../jobs/definitions/updates-prune.ts";
import { createInterchangeJobs } from "../jobs/definitions/interchange.ts";
import { createAxisHttpTransport } from "../core/interchange/index.ts";
import { channelPacing, pacedSenders } from "../jobs/pacing.ts";
import { createJobRunner, isProcessGone, rolesForServe, serviceInstanceId, type JobRunner } from "../jobs/runner.ts";
import { openAppContext, type AppContext } from "./context.ts";
import { fileDownloadRoutes, loadFileLinkSecret } from "./file-links.ts";
import { createHttpServer } from "./http-server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { checkStartup, listenProblem } from "./startup-checks.ts";

export type ServeRole = "bots" | "jobs" | "all";

const PING_TIMEOUT_MS = 5_000;

/** One line a person can act on: Prisma's errors start with where they were called and end with the cause. */
const reasonOf = (err: unknown): string => {
  const lines = (err instanceof Error ? err.message : String(err))
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "the database did not answer").slice(0, 300);
};

/** Why the database does not answer a real query within a few seconds, or null when it does. */
const databaseProblem = async (app: AppContext): Promise<string | null> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${PING_TIMEOUT_MS / 1000} s`), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([app.db.ping().then(() => null, reasonOf), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** How long a stopping service lets the HTTP requests in flight finish. */
export const SHUTDOWN_GRACE_MS = 10_000;

export type RunningService = { port: number; stop(): Promise<void>; app: AppContext; runner: JobRunner };

/** Starts everything this process's role asks for; returns a handle to stop it (tests use it). */
export const startService = async ({ config, logger, role = "all" }: { config: Config; logger: Logger; role?: ServeRole }): Promise<RunningService> => {
  logger.info({ role, database: config.DATABASE_URL ? "postgres" : `pglite (${config.dataDir}/pg)` }, "starting");
  const app = await openAppContext({ config, logger, as: { role: "service", command: `edoc serve --role ${role}` } });
  // The audit chain's head, checkpointed outside the database at start and stop (and after commits).
  const auditCheckpoint = async (when: "start" | "stop") => {
    const outcome = await app.deps.auditCheckpoint?.checkpoint();
    if (outcome?.status === "written") logger.info({ when, seq: outcome.checkpoint.seq, hash: outcome.checkpoint.hash.slice(0, 12) }, "audit checkpoint written");
  };
  await auditCheckpoint("start");
  const runsBots = role !== "jobs";
  // Generated secrets live in the database, so every process on every machine shares them (issue 20).
  const fileLinkSecret = await loadFileLinkSecret(config.dataDir, config.FILE_LINK_SECRET, app.db.prisma);
  const fileLinks = config.PUBLIC_BASE_URL ? { baseUrl: config.PUBLIC_BASE_URL, secret: fileLinkSecret } : null;

  // === Channels: senders for the delivery jobs, bots for incoming messages
  const senders: Partial<Record<Sender["channel"], Sender>> = {};
  let telegram: TelegramBot | null = null;
  if (config.TELEGRAM_BOT_TOKEN) {
    const { createTelegramBot, createTelegramSender } = await import("../bots/telegram/index.ts");
    senders.TELEGRAM = createTelegramSender({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, files: app.deps.files, cards: app.deps });
    if (runsBots)
      telegram = createTelegramBot({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, deps: app.deps, logger: logger.child({ ns: "bot:telegram" }) });
  }
  let zalo: ZaloBot | null = null;
  if (config.ZALO_BOT_TOKEN) {
    const { createZaloBot, createZaloClient, createZaloSender } = await import("../bots/zalo/index.ts");
    const zaloLogger = logger.child({ ns: "bot:zalo" });
    const client = createZaloClient({ token: config.ZALO_BOT_TOKEN, apiBase: config.ZALO_API_BASE });
    senders.ZALO = createZaloSender({ client, files: app.deps.files, fileLinks, clock: app.deps.clock, logger: zaloLogger });
    if (runsBots) zalo = createZaloBot({ token: config.ZALO_BOT_TOKEN, apiBase: config.ZALO_API_BASE, deps: app.deps, logger: zaloLogger, fileLinks });
    if (!fileLinks) zaloLogger.warn("PUBLIC_BASE_URL is not set: Zalo users cannot open documents (set it to the address where /files/ is reachable)");
  }
  // === Web chat (bots/web): always on, it needs no platform token. Its sender stores the
  // message and pushes it to open pages (in a jobs-only process it only stores; the bots process's
  // pages pick it up by polling). The page and its API are served where bots run.
  const webChat = createWebChat({
    deps: app.deps,
    logger: logger.child({ ns: "bot:web" }),
    secret: fileLinkSecret,
    secureCookies: config.PUBLIC_BASE_URL?.startsWith("https://") ?? false,
    // Web Push: VAPID keys from VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, else generated once in the database.
    push: await loadWebPushOptions({ dataDir: config.dataDir, env: config, publicBaseUrl: config.PUBLIC_BASE_URL, prisma: app.db.prisma }),
    // Uploads are received into files on disk (not /tmp, which may be memory), a few at a time.
    uploads: { dir: path.join(config.dataDir, "tmp", "uploads"), perUser: config.MAX_UPLOADS_PER_USER, overall: config.MAX_CONCURRENT_UPLOADS },
  });
  senders.WEB = webChat.sender;
  // === end web chat

  logger.info(
    {
      telegram: config.TELEGRAM_BOT_TOKEN ? `on (${config.BOT_MODE})` : "off (set TELEGRAM_BOT_TOKEN to turn it on)",
      zalo: config.ZALO_BOT_TOKEN ? `on (${config.BOT_MODE})` : "off (set ZALO_BOT_TOKEN to turn it on)",
      jobs: config.REDIS_URL ? "BullMQ on Redis" : "in-process (set REDIS_URL to use BullMQ on Redis)",
      interchange: config.AXIS_URL
        ? `on (${config.AXIS_URL}, every ${config.AXIS_POLL_SECONDS} s)`
        : "off (set AXIS_URL, AXIS_SYSTEM_ID, AXIS_SECRET and AGENCY_ORGAN_ID to turn it on)",
      agencySignature: app.deps.agencyCertificate ? "on" : "off: outgoing documents get the visible seal only (set AGENCY_P12_PATH and AGENCY_P12_PASSPHRASE to sign)",
      readScans: app.deps.settings.ocr ? `on (${app.deps.settings.ocr.timeoutMs / 1000} s)` : "off (OCR_ENABLED=false)",
    },
    "channels",
  );
  if (role === "bots" && !config.REDIS_URL && !config.DATABASE_URL)
    logger.warn("role 'bots' without REDIS_URL and DATABASE_URL: nothing delivers messages. Run role 'all', or share PostgreSQL with a 'jobs' process.");

  // === Jobs
  // Claims carry this machine's instance id, so that after a crash the restarted process gives back
  // at once the rows its predecessor held (instead of their 120 s claim running out).
  const instanceId = serviceInstanceId(config.dataDir);
  const roles = rolesForServe(role);
  if (roles.workers) {
    const released = await releaseAbandonedClaims(app.deps, { instanceId, isGone: isProcessGone });
    if (released > 0)
      logger.warn({ released }, "outbox rows claimed by a previous process of this instance released: they are delivered now (a row that was in flight may arrive twice)");
  }
  // The document interchange (trục liên thông): on when AXIS_URL is set (credentials checked by loadConfig).
  const interchangeJobs = config.AXIS_URL
    ? createInterchangeJobs({
        transport: createAxisHttpTransport({ baseUrl: config.AXIS_URL, systemId: config.AXIS_SYSTEM_ID!, secret: config.AXIS_SECRET! }),
        agencyOrganId: config.AGENCY_ORGAN_ID!.trim(),
        tmpDir: path.join(config.dataDir, "tmp", "interchange"),
        pollEveryMs: config.AXIS_POLL_SECONDS * 1000,
      })
    : [];
  const runner = await createJobRunner({
    redisUrl: config.REDIS_URL,
    definitions: [
      ...OUTBOX_JOB_DEFINITIONS,
      reminderSweepJob,
      reminderSendJob,
      digestDailyJob,
      createDigestWeeklyJob({ files: app.deps.files }),
      updatesPruneJob,
      ...interchangeJobs,
    ],
    deps: app.deps,
    senders: pacedSenders(senders, {}, channelPacing(config)),
    logger: logger.child({ ns: "jobs" }),
    roles,
    workerId: `${instanceId}/${process.pid}`,
  });
  await runner.start();

  // === HTTP
  let lastDatabaseProblem: string | null = null;
  const http = createHttpServer({
    logger,
    health: async () => {
      const problem = await databaseProblem(app);
      if (problem !== lastDatabaseProblem) {
        // Logged once when the database goes down (with the reason) and once when it is back.
        if (problem) logger.error({ reason: problem }, "database unreachable: /healthz answers 503 until it is back");
        else if (lastDatabaseProblem) logger.info("database reachable again");
        lastDatabaseProblem = problem;
      }
      // A bot that cannot hear people (issue 24) leaves the service up but degraded.
      const zaloHearing = zalo?.hearing();
      const degraded = zaloHearing?.deaf ? [`zalo: ${zaloHearing.problem} (${zaloHearing.detail}) since ${zaloHearing.since.toISOString()}`] : [];
      return {
        ok: !problem,
        database: problem ? "down" : "up",
        ...(problem ? { reason: problem } : {}),
        kind: app.db.kind,
        jobs: runner.kind,
        role,
        ...(degraded.length > 0 ? { degraded } : {}),
      };
    },
  });
  http.mount(fileDownloadRoutes(app.deps, fileLinkSecret));
  const queues = runner.queues?.() ?? [];
  if (config.ADMIN_TOKEN && queues.length > 0) {
    // bull-board is loaded only with BullMQ's queues (REDIS_URL).
    const { createQueueDashboardRoutes } = await import("./queue-dashboard.ts");
    http.mount(createQueueDashboardRoutes({ token: config.ADMIN_TOKEN, queues }));
  } else logger.info({ dashboard: config.REDIS_URL ? "set ADMIN_TOKEN to open /admin/queues" : "needs REDIS_URL (BullMQ)" }, "queue dashboard off");
  if (telegram && config.BOT_MODE === "webhook") http.mount(telegram.webhookRoutes("/webhook/telegram", config.WEBHOOK_SECRET!));
  if (zalo && config.BOT_MODE === "webhook") http.mount(zalo.webhookRoutes("/webhook/zalo", config.WEBHOOK_SECRET!));
  if (runsBots) http.mount(webChat.app); // web chat, under /chat
  const port = await http.listen(config.HTTP_PORT, config.HTTP_HOST).catch(async (err: unknown) => {
    // Taken since the start-up check (a race): say so in one line, and let go of what was opened.
    await runner.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    throw listenProblem(err, config.HTTP_PORT, config.HTTP_HOST) ?? err;
  });
  logger.info({ port, healthz: `http://127.0.0.1:${port}/healthz` }, "http server listening");
  if (runsBots) {
    // web chat: where to open it; with no platform token it is the only front end.
    const chatUrl = `${config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`}${WEB_CHAT_PATH}`;
    if (!config.TELEGRAM_BOT_TOKEN && !config.ZALO_BOT_TOKEN) logger.info(`open ${chatUrl}, get a sign-in code with: npx edoc demo / npx edoc user link-code USER`);
    else logger.info({ webChat: chatUrl }, "web chat on");
  }

  // === Bots
  if (telegram) {
    await telegram.setCommands().catch((err: unknown) => logger.warn({ err }, "could not set the Telegram command menu; check TELEGRAM_BOT_TOKEN"));
    if (config.BOT_MODE === "polling") await telegram.startPolling();
    else await telegram.bot.api.setWebhook(`${config.PUBLIC_BASE_URL}/webhook/telegram`, { secret_token: config.WEBHOOK_SECRET! });
  }
  if (zalo) {
    if (config.BOT_MODE === "polling") await zalo.startPolling();
    else await zalo.startWebhook({ url: `${config.PUBLIC_BASE_URL}/webhook/zalo`, secretToken: config.WEBHOOK_SECRET! });
  }

  return {
    port,
    app,
    runner,
    stop: async () => {
      // HTTP first: new requests get 503 from now on, those in flight (uploads too) may finish for
      // up to 10 s while the database is still open; the web chat's event streams close at once.
      // Each step is logged, so a shutdown that hangs names the step it hangs in.
      const step = async (name: string, run: () => Promise<unknown> | undefined) => {
        const started = Date.now();
        await run();
        logger.info({ step: name, ms: Date.now() - started }, "shutdown step done");
      };
      await step("http drain", async () => {
        const drained = http.drain(SHUTDOWN_GRACE_MS);
        await webChat.stop();
        const { unfinished } = await drained;
        if (unfinished > 0) logger.warn({ unfinished, graceMs: SHUTDOWN_GRACE_MS }, "http requests still running at shutdown were cut off");
      });
      // Workers finish their active job; then bots, HTTP and the database.
      await step("jobs", () => runner.stop());
      await step("telegram", () => telegram?.stop());
      await step("zalo", () => zalo?.stop());
      // The OCR worker thread (started by the first scan read), once no bot can start a read.
      await step("ocr", () => closeDefaultPageReader());
      await step("http", () => http.close());
      await step("audit checkpoint", () => auditCheckpoint("stop"));
      await step("database", () => app.close());
    },
  };
};

export const serve = async (role: ServeRole = "all"): Promise<void> => {
  const config = getConfig();
  const logger = createLogger(config.LOG_LEVEL ?? "info", config.LOG_FORMAT);
  // A port in use or an unreachable Redis stops the service here, before it creates or changes anything.
  await checkStartup(config);
  // A promise rejected with nobody listening (a library's background task) must not end the
  // service: its HTTP, web chat and other channels keep serving. Logged so that it gets fixed.
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection; the service keeps running"));
  const service = await startService({ config, logger, role });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await service.stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
};
