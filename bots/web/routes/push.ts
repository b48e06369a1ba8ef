// Web Push subscriptions (mounted only when Web Push is on):
//   POST /chat/api/push/subscribe    the browser's PushSubscription (JSON) → Web Push for this person
//   POST /chat/api/push/unsubscribe  { endpoint }: this browser stops getting pushes
import { Hono } from "hono";
import { z } from "zod";
import { t, removeWebPushSubscription, saveWebPushSubscription } from "../../../core/index.ts";
import type { WebPusher } from "../web-push.ts";
import { HttpRefusal, sendJson, type WebChatEnv, type WebChatKit } from "../web-chat-kit.ts";

export const pushRoutes = (kit: WebChatKit, pusher: WebPusher): Hono<WebChatEnv> => {
  const { deps, log } = kit;
  return new Hono<WebChatEnv>()
    .post("/push/subscribe", async (c) => {
      const s = await kit.session(c);
      kit.checkCsrf(c, s);
      const body = await kit.readJson(c);
      const endpoint = typeof body.endpoint === "string" ? body.endpoint : "";
      const keys = (body.keys && typeof body.keys === "object" ? body.keys : {}) as Record<string, unknown>;
      if (!pusher.isAllowedEndpoint(endpoint)) {
        const service = URL.canParse(endpoint) ? new URL(endpoint).host : "";
        log.info({ userId: s.actor.id, service }, "web push subscription refused: not a known push service (WEB_PUSH_HOSTS adds one)");
        throw new HttpRefusal(400, "PUSH_SERVICE_REFUSED", t(s.actor.locale, "web.push.serviceRefused"));
      }
      const input = { userId: s.actor.id, sessionId: s.sessionId, endpoint, p256dh: String(keys.p256dh ?? ""), auth: String(keys.auth ?? "") };
      try {
        await saveWebPushSubscription(deps, input);
      } catch (err) {
        if (err instanceof z.ZodError) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.push.invalid"));
        throw err;
      }
      log.info({ userId: s.actor.id, sessionId: s.sessionId, service: new URL(endpoint).host }, "web push subscribed");
      return sendJson(c, 200, { subscribed: true });
    })
    .post("/push/unsubscribe", async (c) => {
      const s = await kit.session(c);
      kit.checkCsrf(c, s);
      const body = await kit.readJson(c);
      const endpoint = typeof body.endpoint === "string" ? body.endpoint : "";
      if (!endpoint) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.push.invalid"));
      const { removed } = await removeWebPushSubscription(deps, { userId: s.actor.id, endpoint });
      return sendJson(c, 200, { subscribed: false, removed });
    });
};
