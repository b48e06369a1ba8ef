// The queue dashboard (bull-board) at /admin/queues, behind HTTP Basic authentication with the
// ADMIN_TOKEN as password. Only with BullMQ (REDIS_URL); the in-process runner has no queues to show.
// A Hono app like every other route (bull-board's Hono adapter; its static files through
// @hono/node-server's serveStatic).
import { timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Queue } from "bullmq";
import { Hono } from "hono";

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

const constantTimeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** True when the `Authorization` header is `Basic base64(anything:ADMIN_TOKEN)` or `Bearer ADMIN_TOKEN`. */
export const isAdmin = (authorization: string | undefined, token: string): boolean => {
  const header = authorization ?? "";
  if (header.startsWith("Bearer ")) return constantTimeEqual(header.slice(7), token);
  if (!header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const password = decoded.slice(decoded.indexOf(":") + 1);
  return constantTimeEqual(password, token);
};

/** The dashboard as a Hono app to mount at the root (its routes are under QUEUE_DASHBOARD_PATH). */
export const createQueueDashboardRoutes = ({ token, queues }: { token: string; queues: Queue[] }): Hono => {
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const app = new Hono();
  app.use(`${QUEUE_DASHBOARD_PATH}/*`, async (c, next) => {
    if (isAdmin(c.req.header("authorization"), token)) return next();
    return c.text("Cần đăng nhập quản trị (mật khẩu: ADMIN_TOKEN). / Admin login required (password: ADMIN_TOKEN).", 401, {
      "www-authenticate": 'Basic realm="edoc admin", charset="UTF-8"',
    });
  });
  app.route(QUEUE_DASHBOARD_PATH, adapter.registerPlugin());
  return app;
};
