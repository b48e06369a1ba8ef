// Web Push in the page: registers the service worker (/chat/sw.js, scope /chat/) and subscribes
// the browser with the server's VAPID key. Permission is asked only when the person presses
// "Bật thông báo" (browsers refuse, and people dislike, a prompt nobody asked for).

/** Whether this browser can receive pushes at all (service workers need https or 127.0.0.1/localhost). */
export const pushSupported = (): boolean => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext;

/** The chat's service worker registration, or null when the browser has none (or refused it). */
export const registerServiceWorker = async (): Promise<ServiceWorkerRegistration | null> => {
  if (!("serviceWorker" in navigator)) return null;
  try {
    return await navigator.serviceWorker.register("/chat/sw.js", { scope: "/chat/" });
  } catch {
    return null;
  }
};

const bytesOf = (base64url: string): Uint8Array<ArrayBuffer> => {
  const base64 = base64url
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
};

const sameKey = (a: ArrayBuffer | null, b: Uint8Array): boolean => {
  if (!a || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
};

/** The browser's current subscription made with this server's key (one made with an old key is dropped). */
export const currentSubscription = async (reg: ServiceWorkerRegistration, publicKey: string): Promise<PushSubscription | null> => {
  const sub = await reg.pushManager.getSubscription();
  if (!sub) return null;
  if (sameKey(sub.options.applicationServerKey, bytesOf(publicKey))) return sub;
  await sub.unsubscribe().catch(() => false);
  return null;
};

/** Resolves once the registration has an active worker (subscribing needs one). */
const activated = (reg: ServiceWorkerRegistration): Promise<void> =>
  new Promise((resolve, reject) => {
    if (reg.active) return resolve();
    const worker = reg.installing ?? reg.waiting;
    if (!worker) return reject(new Error("no service worker"));
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
      else if (worker.state === "redundant") reject(new Error("service worker failed"));
    });
  });

/** Subscribes the browser (permission must be granted already). */
export const subscribePush = async (reg: ServiceWorkerRegistration, publicKey: string): Promise<PushSubscription> => {
  await activated(reg);
  return (await currentSubscription(reg, publicKey)) ?? reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytesOf(publicKey) });
};
