// The event stream: GET /chat/api/events, server-sent events `message`, `update`, `signedOut`.
// New messages are read in order from the history (nudged by the hub, and polled for messages
// stored by another process); a heartbeat re-checks the session.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { t, isWebSessionActive, listWebMessages, WEB_HISTORY_PAGE } from "../../../core/index.ts";
import type { WebChatEnv, WebChatKit } from "../web-chat-kit.ts";

export const eventRoutes = (kit: WebChatKit): Hono<WebChatEnv> => {
  const { deps, hub, log, view, policy, opts } = kit;
  return new Hono<WebChatEnv>().get("/events", async (c) => {
    const s = await kit.session(c, { rotate: false });
    const userId = s.actor.id;
    let lastSeq = Number(c.req.header("last-event-id") ?? c.req.query("after") ?? "0") || 0;
    const res = streamSSE(c, async (stream) => {
      let closed = false;
      let ended!: () => void;
      const done = new Promise<void>((resolve) => (ended = resolve));
      let chain: Promise<void> = Promise.resolve();
      const write = (event: string, data: unknown, id?: number) => {
        if (!closed) void stream.writeSSE({ event, data: JSON.stringify(data), ...(id !== undefined ? { id: String(id) } : {}) });
      };
      // Reads what this page has not seen yet, in order; one read at a time.
      const flush = () => {
        chain = chain
          .then(async () => {
            for (;;) {
              if (closed) return;
              const batch = await listWebMessages(deps, { userId, afterSeq: lastSeq });
              for (const m of batch) {
                write("message", view(m), m.seq);
                lastSeq = m.seq;
              }
              if (batch.length < WEB_HISTORY_PAGE) return;
            }
          })
          .catch((err: unknown) => log.warn({ err, userId }, "web event stream could not read messages"));
      };
      const unsubscribe = hub.subscribe(userId, (event) => (event.type === "nudge" ? flush() : write("update", view(event.message))));
      const poll = setInterval(flush, opts.pollMs ?? 5_000);
      const heartbeat = setInterval(() => {
        void (async () => {
          // By the session's id: this stream's cookie may have been rotated by another request since.
          const alive = await isWebSessionActive(deps, { sessionId: s.sessionId }, policy).catch(() => true);
          if (!alive) {
            write("signedOut", { message: t(s.actor.locale, "web.signedOut") });
            close();
            return;
          }
          if (!closed) void stream.write(": ping\n\n");
        })();
      }, opts.heartbeatMs ?? 25_000);
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(poll);
        clearInterval(heartbeat);
        kit.streams.delete(close);
        ended();
      };
      kit.streams.add(close);
      stream.onAbort(close);
      c.env.incoming.on("close", close);
      void stream.write("retry: 3000\n\n");
      flush();
      await done;
    });
    res.headers.set("content-type", "text/event-stream; charset=utf-8");
    res.headers.set("cache-control", "no-store");
    res.headers.set("x-accel-buffering", "no");
    return res;
  });
};
