// `edoc serve` (npm start): the long-running service.
import { loadConfig } from "../core/config.ts";
import { openAppContext } from "./context.ts";
import { createHttpServer } from "./http-server.ts";
import { createLogger } from "./logger.ts";

export const serve = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  logger.info({ database: config.DATABASE_URL ? "postgres" : `pglite (${config.dataDir}/pg)` }, "starting");
  const app = await openAppContext({ config, logger });
  const http = createHttpServer({
    logger,
    health: async () => {
      const database = await app.db.ping().catch(() => false);
      return { ok: database, database: database ? "up" : "down", kind: app.db.kind };
    },
  });

  const channels = {
    telegram: config.TELEGRAM_BOT_TOKEN ? "on" : "off (set TELEGRAM_BOT_TOKEN to turn it on)",
    zalo: config.ZALO_BOT_TOKEN ? "on" : "off (set ZALO_BOT_TOKEN to turn it on)",
    jobs: config.REDIS_URL ? "BullMQ on Redis" : "in-process (set REDIS_URL to use BullMQ on Redis)",
  };
  logger.info(channels, "channels");

  const port = await http.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info({ port, healthz: `http://127.0.0.1:${port}/healthz` }, "http server listening");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await http.close();
    await app.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
};
