// Session routes: who is signed in, sign-in with a link code, sign-out.
//   GET  /chat/api/session     who is signed in (+ CSRF token), and the page's texts
//   POST /chat/api/sign-in     { code } → session cookie (a JSON body; from our own origin when one is named)
//   POST /chat/api/sign-out    ends this session
import { Hono } from "hono";
import { t, authenticateSession, signInWithCode, signOut } from "../../../core/index.ts";
import { clientIpOf } from "../http.ts";
import { HttpRefusal, sendJson, type WebChatEnv, type WebChatKit } from "../web-chat-kit.ts";

export const sessionRoutes = (kit: WebChatKit): Hono<WebChatEnv> => {
  const { deps, policy } = kit;
  return new Hono<WebChatEnv>()
    .get("/session", async (c) => {
      const token = kit.cookieToken(c);
      const s = token ? await authenticateSession(deps, { token }, policy) : null;
      if (!s) {
        if (token) c.header("set-cookie", kit.clearCookie());
        return sendJson(c, 200, { signedIn: false, texts: kit.textsFor("vi") });
      }
      if (s.newToken) c.header("set-cookie", kit.cookieFor(s.newToken, s.expiresAt));
      return sendJson(c, 200, kit.me(s));
    })
    .post("/sign-in", async (c) => {
      const req = c.env.incoming;
      const body = await kit.readJson(c);
      const userAgent = (c.req.header("user-agent") ?? "").slice(0, 512);
      const browser = kit.browserOf(c);
      c.header("set-cookie", browser.cookie); // kept on a refusal too: the next try counts for the same browser
      const r = await signInWithCode(
        deps,
        {
          code: typeof body.code === "string" ? body.code : "",
          clientIp: clientIpOf(req, kit.opts.trustProxy ?? false),
          browserId: browser.id,
          ...(userAgent ? { userAgent } : {}),
        },
        policy,
      );
      const s = await authenticateSession(deps, { token: r.token, rotate: false }, policy);
      if (!s) throw new HttpRefusal(401, "SIGNED_OUT", t("vi", "web.signedOut"));
      c.header("set-cookie", kit.cookieFor(r.token, r.expiresAt)); // signed in: the browser's count was reset
      kit.log.info({ userId: r.userId, sessionId: r.sessionId }, "web chat sign-in");
      return sendJson(c, 200, kit.me(s));
    })
    .post("/sign-out", async (c) => {
      const s = await kit.session(c, { rotate: false });
      kit.checkCsrf(c, s);
      await signOut(deps, { sessionId: s.sessionId });
      c.header("set-cookie", kit.clearCookie());
      return sendJson(c, 200, { signedIn: false, texts: kit.textsFor(s.actor.locale) });
    });
};
