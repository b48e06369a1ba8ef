// The queue dashboard (bull-board) at /admin/queues, behind HTTP Basic authentication with the
// ADMIN_TOKEN as password. Only with BullMQ (REDIS_URL); the in-process runner has no queues to show.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import type { RouteHandler } from "./http-server.ts";

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

const constantTimeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** True when the request carries `Authorization: Basic base64(anything:ADMIN_TOKEN)` or `Bearer ADMIN_TOKEN`. */
export const isAdmin = (req: IncomingMessage, token: string): boolean => {
  const header = req.headers.authorization ?? "";
  if (header.startsWith("Bearer ")) return constantTimeEqual(header.slice(7), token);
  if (!header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const password = decoded.slice(decoded.indexOf(":") + 1);
  return constantTimeEqual(password, token);
};

export const createQueueDashboardRoute = ({ token, queues }: { token: string; queues: Queue[] }): RouteHandler => {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  // An Express app (bull-board's own dependency) hosts its router under the mount path.
  const express = createRequire(import.meta.url)("express") as () => { use(path: string, router: unknown): void } & ((
    req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ) => void);
  const app = express();
  app.use(QUEUE_DASHBOARD_PATH, adapter.getRouter());
  return (req, res) =>
    new Promise<void>((resolve) => {
      if (!isAdmin(req, token)) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="edoc admin", charset="UTF-8"', "content-type": "text/plain; charset=utf-8" });
        res.end("Cần đăng nhập quản trị (mật khẩu: ADMIN_TOKEN). / Admin login required (password: ADMIN_TOKEN).");
        resolve();
        return;
      }
      res.on("finish", () => resolve());
      app(req, res, (err?: unknown) => {
        if (!res.headersSent) res.writeHead(err ? 500 : 404).end();
        resolve();
      });
    });
};
