// `edoc serve` (npm start): the long-running service. Wires config, database, file store, channel
// senders and bots, the job runner and the HTTP server; stops them in reverse order on SIGINT/SIGTERM.
import type { Sender } from "../core/ports/sender.ts";
import { loadConfig, type Config } from "../core/config.ts";
import { createTelegramBot, createTelegramSender, type TelegramBot } from "../bots/telegram/index.ts";
import { OUTBOX_JOB_DEFINITIONS } from "../jobs/definitions/index.ts";
import { createDigestWeeklyJob } from "../jobs/definitions/digest-weekly.ts";
import { digestDailyJob } from "../jobs/definitions/digest-daily.ts";
import { reminderSendJob } from "../jobs/definitions/reminder-send.ts";
import { reminderSweepJob } from "../jobs/definitions/reminder-sweep.ts";
import { pacedSenders } from "../jobs/pacing.ts";
import { createJobRunner, rolesForServe, type JobRunner } from "../jobs/runner.ts";
import { openAppContext, type AppContext } from "./context.ts";
import { createFileDownloadRoute, loadFileLinkSecret } from "./file-links.ts";
import { QUEUE_DASHBOARD_PATH, createQueueDashboardRoute } from "./queue-dashboard.ts";
import { createHttpServer } from "./http-server.ts";
import { createLogger, type Logger } from "./logger.ts";

export type ServeRole = "bots" | "jobs" | "all";

export type RunningService = { port: number; stop(): Promise<void>; app: AppContext; runner: JobRunner };

/** Starts everything this process's role asks for; returns a handle to stop it (tests use it). */
export const startService = async ({ config, logger, role = "all" }: { config: Config; logger: Logger; role?: ServeRole }): Promise<RunningService> => {
  logger.info({ role, database: config.DATABASE_URL ? "postgres" : `pglite (${config.dataDir}/pg)` }, "starting");
  const app = await openAppContext({ config, logger });
  const runsBots = role !== "jobs";

  // === Channels: senders for the delivery jobs, bots for incoming messages
  const senders: Partial<Record<Sender["channel"], Sender>> = {};
  let telegram: TelegramBot | null = null;
  if (config.TELEGRAM_BOT_TOKEN) {
    senders.TELEGRAM = createTelegramSender({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, files: app.deps.files });
    if (runsBots) telegram = createTelegramBot({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, deps: app.deps, logger: logger.child({ ns: "bot:telegram" }) });
  }
  logger.info(
    {
      telegram: config.TELEGRAM_BOT_TOKEN ? `on (${config.BOT_MODE})` : "off (set TELEGRAM_BOT_TOKEN to turn it on)",
      zalo: config.ZALO_BOT_TOKEN ? `on (${config.BOT_MODE})` : "off (set ZALO_BOT_TOKEN to turn it on)",
      jobs: config.REDIS_URL ? "BullMQ on Redis" : "in-process (set REDIS_URL to use BullMQ on Redis)",
    },
    "channels",
  );
  if (role === "bots" && !config.REDIS_URL && !config.DATABASE_URL)
    logger.warn("role 'bots' without REDIS_URL and DATABASE_URL: nothing delivers messages. Run role 'all', or share PostgreSQL with a 'jobs' process.");

  // === Jobs
  const runner = await createJobRunner({
    redisUrl: config.REDIS_URL,
    definitions: [...OUTBOX_JOB_DEFINITIONS, reminderSweepJob, reminderSendJob, digestDailyJob, createDigestWeeklyJob({ files: app.deps.files })],
    deps: app.deps,
    senders: pacedSenders(senders),
    logger: logger.child({ ns: "jobs" }),
    roles: rolesForServe(role),
  });
  await runner.start();

  // === HTTP
  const http = createHttpServer({
    logger,
    health: async () => {
      const database = await app.db.ping().catch(() => false);
      return { ok: database, database: database ? "up" : "down", kind: app.db.kind, jobs: runner.kind, role };
    },
  });
  http.route("/files/", createFileDownloadRoute(app.deps, await loadFileLinkSecret(config.dataDir, process.env.FILE_LINK_SECRET)));
  const queues = runner.queues?.() ?? [];
  if (config.ADMIN_TOKEN && queues.length > 0) http.route(QUEUE_DASHBOARD_PATH, createQueueDashboardRoute({ token: config.ADMIN_TOKEN, queues }));
  else logger.info({ dashboard: config.REDIS_URL ? "set ADMIN_TOKEN to open /admin/queues" : "needs REDIS_URL (BullMQ)" }, "queue dashboard off");
  if (telegram && config.BOT_MODE === "webhook") http.route("/webhook/telegram", telegram.webhookHandler(config.WEBHOOK_SECRET!));
  const port = await http.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info({ port, healthz: `http://127.0.0.1:${port}/healthz` }, "http server listening");

  // === Bots
  if (telegram) {
    await telegram.setCommands().catch((err: unknown) => logger.warn({ err }, "could not set the Telegram command menu; check TELEGRAM_BOT_TOKEN"));
    if (config.BOT_MODE === "polling") await telegram.startPolling();
    else await telegram.bot.api.setWebhook(`${config.PUBLIC_BASE_URL}/webhook/telegram`, { secret_token: config.WEBHOOK_SECRET! });
  }

  return {
    port,
    app,
    runner,
    stop: async () => {
      // Workers finish their active job first; then bots, HTTP and the database.
      await runner.stop();
      await telegram?.stop();
      await http.close();
      await app.close();
    },
  };
};

export const serve = async (role: ServeRole = "all"): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
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
