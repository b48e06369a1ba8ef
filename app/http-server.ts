// The service's HTTP server: one Hono app (@hono/node-server) with health, metrics, webhooks, signed
// file downloads, the queue dashboard and the web chat, each a Hono app mounted as it is (its routes
// carry their full paths).
//
// Shutdown is in two steps: `drain(graceMs)` answers every new request 503 at once (a load balancer
// sends it elsewhere; the web page says to try again) and waits for the requests in flight, uploads
// included, for up to `graceMs`; `close()` then cuts whatever is left.
import http, { type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import { Registry, collectDefaultMetrics } from "prom-client";
import { nodeListener, sendJson } from "../bots/web/index.ts";
import { t } from "../core/index.ts";
import type { Logger } from "./logger.ts";

type Env = { Bindings: HttpBindings };

export type HttpServer = {
  /** Mounts a Hono app (its routes carry their full paths): the web chat, the webhooks, file links. */
  mount(app: Hono<Env> | Hono): void;
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

export const createHttpServer = ({ logger, health }: { logger: Logger; health: () => Promise<Record<string, unknown> & { ok: boolean }> }): HttpServer => {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
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
  let draining = false;
  const app = new Hono<Env>();
  app.use(async (c, next) => {
    if (draining) return sendJson(c, 503, { ok: false, error: { code: "SHUTTING_DOWN", message: t("vi", "http.shuttingDown") } }, { "retry-after": "5", connection: "close" });
    // A request target that is no URL at all (`GET //[`) is the client's mistake, not a crash.
    if (!URL.canParse(c.env.incoming.url ?? "/", "http://localhost")) return sendJson(c, 400, { ok: false, error: { code: "BAD_REQUEST", message: t("vi", "http.badRequest") } });
    await next();
  });
  app.all("/healthz", async (c) => {
    const status = await health().catch((err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) }));
    return sendJson(c, status.ok ? 200 : 503, status);
  });
  app.all("/metrics", async (c) => c.body(await metrics.metrics(), 200, { "content-type": metrics.contentType }));
  app.notFound((c) => sendJson(c, 404, { ok: false, error: "not found" }));
  app.onError((err, c) => {
    reportFailure(err, c.req.path);
    const res = c.env.outgoing;
    if (!res.headersSent) return sendJson(c, 500, { ok: false, error: "internal error" });
    res.end();
    return RESPONSE_ALREADY_SENT;
  });
  const listener = nodeListener(app);
  const inFlight = new Set<ServerResponse>();
  const idleWaiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    if (!draining) {
      inFlight.add(res);
      res.once("close", () => {
        inFlight.delete(res);
        if (inFlight.size === 0) for (const wake of idleWaiters) wake();
      });
    }
    void listener(req, res);
  });
  return {
    metrics,
    mount: (sub) => {
      // An app without bindings (the webhooks) runs as well under ours, which only adds them.
      app.route("/", sub as Hono<Env>);
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
