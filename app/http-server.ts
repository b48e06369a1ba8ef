// The service's HTTP server: health, metrics, and (as adapters arrive) webhooks, signed file
// downloads and the web chat. Routes are plain handlers on node:http.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry, collectDefaultMetrics } from "prom-client";
import type { Logger } from "./logger.ts";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export type HttpServer = {
  /** Adds a handler for a path prefix (longest prefix wins). */
  route(prefix: string, handler: RouteHandler): void;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
  metrics: Registry;
};

export const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
};

export const createHttpServer = ({ logger, health }: { logger: Logger; health: () => Promise<Record<string, unknown> & { ok: boolean }> }): HttpServer => {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const routes = new Map<string, RouteHandler>();
  // A failure that repeats (a database gone away fails every request the same way) is logged in full
  // once a minute, with how often it happened since, instead of once per request.
  const recentFailures = new Map<string, { at: number; since: number }>();
  const reportFailure = (err: unknown, path: string) => {
    const key = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : String(err);
    const now = Date.now();
    const seen = recentFailures.get(key);
    if (seen && now - seen.at < 60_000) {
      seen.since += 1;
      logger.debug({ path, error: key }, "http handler failed again (logged in full once a minute)");
      return;
    }
    if (recentFailures.size > 100) recentFailures.clear();
    recentFailures.set(key, { at: now, since: 0 });
    logger.error({ err, path, ...(seen ? { repeatedSinceLastReport: seen.since } : {}) }, "http handler failed");
  };
  routes.set("/healthz", async (_req, res) => {
    const status = await health().catch((err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) }));
    sendJson(res, status.ok ? 200 : 503, status);
  });
  routes.set("/metrics", async (_req, res) => {
    const text = await metrics.metrics();
    res.writeHead(200, { "content-type": metrics.contentType });
    res.end(text);
  });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const prefix = [...routes.keys()].filter((p) => url.pathname === p || url.pathname.startsWith(p.endsWith("/") ? p : `${p}/`)).sort((a, b) => b.length - a.length)[0];
    const handler = prefix ? routes.get(prefix) : undefined;
    if (!handler) {
      sendJson(res, 404, { ok: false, error: "not found" });
      return;
    }
    Promise.resolve(handler(req, res, url)).catch((err: unknown) => {
      reportFailure(err, url.pathname);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: "internal error" });
      else res.end();
    });
  });
  return {
    metrics,
    route: (prefix, handler) => {
      routes.set(prefix, handler);
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
