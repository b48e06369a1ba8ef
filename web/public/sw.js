// The web chat's service worker (scope /chat/): shows the Web Push notifications the server sends
// when a message is delivered to the person's web history (bots/web/web-push.ts), and opens the
// chat when one is clicked. A push carries only a title and one line; the message itself is read
// in the chat. Plain JavaScript, copied as is into web/dist (Vite's public folder).
/* global self */
"use strict";

const CHAT_URL = "/chat";
const DEFAULT_TITLE = "Văn phòng điện tử";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/** The push's JSON ({ title, body, tag }), or a plain text body. */
const readPush = (data) => {
  if (!data) return {};
  try {
    const parsed = data.json();
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return { body: data.text() };
  }
};

self.addEventListener("push", (event) => {
  const push = readPush(event.data);
  const title = typeof push.title === "string" && push.title ? push.title : DEFAULT_TITLE;
  const body = typeof push.body === "string" ? push.body : "";
  event.waitUntil(
    (async () => {
      // A chat page the person is looking at shows the message live: no notification on top.
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (windows.some((w) => w.focused && w.visibilityState === "visible" && new URL(w.url).pathname.startsWith(CHAT_URL))) return;
      await self.registration.showNotification(title, {
        body,
        // The message's id: the page's own notification of the same message (when it is open in the
        // background) is replaced, not doubled.
        ...(typeof push.tag === "string" && push.tag ? { tag: push.tag } : {}),
        icon: "/chat/favicon.svg",
        lang: "vi",
        data: { url: CHAT_URL },
      });
    })(),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).pathname.startsWith(CHAT_URL));
      if (open) {
        await open.focus();
        return;
      }
      await self.clients.openWindow(CHAT_URL);
    })(),
  );
});
