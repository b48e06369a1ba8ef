// Notifications: a message arriving while the page is hidden is shown as a notification, and the
// bell turns Web Push on (when the server has it and the browser can) or off.
import { ApiError, type Message } from "../api.ts";
import { h } from "../dom.ts";
import { icon } from "../icons.ts";
import { currentSubscription, pushSupported, registerServiceWorker, subscribePush } from "../push.ts";
import { api, tr } from "../state.ts";

export type NotifyHooks = {
  /** The server's VAPID key ("" when Web Push is off). */
  pushKey: string;
  showToast: (text: string) => void;
  failed: (err: unknown) => void;
  signedOut: (notice: string) => void;
};

export const createNotifications = ({ pushKey, showToast, failed, signedOut }: NotifyHooks) => {
  const canNotify = "Notification" in window;
  // Web Push when the server has it on and the browser can (service worker + push manager).
  const canPush = pushKey !== "" && pushSupported();
  let registration: ServiceWorkerRegistration | null = null;
  let pushOn = false;
  const bellLabel = h("span", {}, tr("web.notify.enable"));
  const bell = h("button", { type: "button", class: "notify-toggle", hidden: true, onclick: () => void (pushOn ? turnPushOff() : askNotify()) }, icon("bell"), bellLabel);

  const notify = (m: Message): void => {
    if (!canNotify || Notification.permission !== "granted" || document.visibilityState === "visible") return;
    const n = new Notification(m.title ?? tr("web.bot"), { body: m.text.slice(0, 200), tag: m.id, icon: "/chat/favicon.svg" });
    n.onclick = () => (window.focus(), n.close());
  };
  /** The button says what pressing it does: turn notifications on, or (push on) off. */
  const showBell = (): void => {
    const label = pushOn ? tr("web.push.disable") : tr("web.notify.enable");
    bellLabel.textContent = label;
    bell.title = label;
    bell.hidden = !canNotify || (!canPush && Notification.permission === "granted");
  };
  /** "Bật thông báo": asks for permission (only here, when pressed), then subscribes to Web Push. */
  const askNotify = async (): Promise<void> => {
    const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    if (permission !== "granted") {
      if (permission === "denied") showToast(tr("web.push.denied"));
      return showBell();
    }
    if (!canPush) return (showToast(tr("web.notify.on")), showBell());
    bell.disabled = true;
    try {
      registration ??= await registerServiceWorker();
      if (!registration) throw new Error("no service worker");
      const sub = await subscribePush(registration, pushKey);
      await api.pushSubscribe(sub.toJSON());
      pushOn = true;
      showToast(tr("web.notify.on"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return signedOut(err.message);
      showToast(err instanceof ApiError && err.message ? err.message : tr("web.push.failed"));
    } finally {
      bell.disabled = false;
      showBell();
    }
  };
  const turnPushOff = async (): Promise<void> => {
    bell.disabled = true;
    try {
      const sub = await registration?.pushManager.getSubscription();
      if (sub) {
        await api.pushUnsubscribe(sub.endpoint);
        await sub.unsubscribe();
      }
      pushOn = false;
      showToast(tr("web.push.off"));
    } catch (err) {
      failed(err);
    } finally {
      bell.disabled = false;
      showBell();
    }
  };
  /** On sign-out this browser stops being subscribed (the server drops the session's subscription too). */
  const forgetHere = async (): Promise<void> => {
    const sub = await registration?.pushManager.getSubscription().catch(() => null);
    await sub?.unsubscribe().catch(() => false);
  };
  /** At start: registers the worker; a subscription this browser already has is re-sent for this session. */
  const start = async (): Promise<void> => {
    if (canPush) {
      registration = await registerServiceWorker();
      const sub = registration && Notification.permission === "granted" ? await currentSubscription(registration, pushKey).catch(() => null) : null;
      if (sub)
        pushOn = await api.pushSubscribe(sub.toJSON()).then(
          () => true,
          () => false,
        );
    }
    showBell();
  };

  return { bell, notify, start, forgetHere };
};
