// The service's HTTP server: health, metrics, and (as adapters arrive) webhooks, signed file
// downloads and the web chat. Routes are plain handlers on node:http.
//
// Shutdown is in two steps: `drain(graceMs)` answers every new request 503 at once (a load balancer
// sends it elsewhere; the web page says to try again) and waits for the requests in flight, uploads
// included, for up to `graceMs`; `close()` then cuts whatever is left.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry, collectDefaultMetrics } from "prom-client";
import { t } from "../core/messages/index.ts";
import type { Logger } from "./logger.ts";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export type HttpServer = {
  /** Adds a handler for a path prefix (longest prefix wins). */
  route(prefix: string, handler: RouteHandler): void;
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops taking requests: from this call on, new ones get 503 (`Retry-After`, connection closed).
   * Resolves once the requests in flight have finished, or after
   * `graceMs` with how many had not.
   */
  drain(graceMs: number): Promise<{ unfinished: number }>;
  /** Closes the server and every connection still open. */
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
  const inFlight = new Set<ServerResponse>();
  const idleWaiters = new Set<() => void>();
  let draining = false;
  const server = http.createServer((req, res) => {
    if (draining) {
      const text = JSON.stringify({ ok: false, error: { code: "SHUTTING_DOWN", message: t("vi", "http.shuttingDown") } });
      res.writeHead(503, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "retry-after": "5", connection: "close" });
      res.end(text);
      return;
    }
    inFlight.add(res);
    res.once("close", () => {
      inFlight.delete(res);
      if (inFlight.size === 0) for (const wake of idleWaiters) wake();
    });
    // A request target that is no URL at all (`GET //[`) is the client's mistake, not a crash.
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      sendJson(res, 400, { ok: false, error: { code: "BAD_REQUEST", message: t("vi", "http.badRequest") } });
      return;
    }
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
    drain: (graceMs) => {
      draining = true;
      // Still listening: a new connection gets its 503 (a load balancer's health check sees it too)
      // rather than a refused connection. Idle keep-alive connections are closed now.
      server.closeIdleConnections();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve({ unfinished: inFlight.size });
        };
        const timer = setTimeout(done, graceMs);
        idleWaiters.add(done);
        if (inFlight.size === 0) done();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
