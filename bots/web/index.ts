// The web chat adapter: the bot in a browser at /chat (see create-web-chat.ts).
export { createWebChat, DEFAULT_WEB_DIST_DIR, WEB_CHAT_PATH } from "./create-web-chat.ts";
export type { WebChat, WebChatOptions } from "./create-web-chat.ts";
export { nodeListener, sendJson } from "./http.ts";
export { createWebSender } from "./web-sender.ts";
export type { WebSenderOptions } from "./web-sender.ts";
export { createWebEventHub } from "./event-hub.ts";
export type { WebEvent, WebEventHub } from "./event-hub.ts";
export type { WebMessageView, WebAction, WebAttachment } from "./render-web.ts";
export type { TaskView } from "./tasks-view.ts";
export { createWebPusher, isAllowedPushEndpoint, pushPayloadOf, pushUrgencyOf, DEFAULT_PUSH_SERVICE_HOSTS } from "./web-push.ts";
export type { VapidKeys, WebPushOptions, WebPusher, WebPushPayload } from "./web-push.ts";
export { loadWebPushOptions, FALLBACK_VAPID_SUBJECT } from "./web-push-keys.ts";
export type { WebPushEnv } from "./web-push-keys.ts";
