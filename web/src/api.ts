// The page's side of the web chat API (bots/web/create-web-chat.ts). The view types are the server's
// own (bots/web/views.ts).

import type { TaskView, WebAction, WebAttachment, WebMessageView, WebSessionView, WebTurnAnswer, WebUserView } from "../../bots/web/views.ts";

export type Action = WebAction;
export type Attachment = WebAttachment;
export type Message = WebMessageView;
export type Task = TaskView;
export type User = WebUserView;
export type Session = WebSessionView;
export type TurnAnswer = WebTurnAnswer;

/**
 * An answer that is not 2xx: the server's error code and its message for people, and the
 * conversation messages the refusal added (an upload too large is refused in the conversation).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly answer?: TurnAnswer,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const BASE = "/chat/api";

const parse = async <T>(res: Response): Promise<T> => {
  const body = (await res.json().catch(() => null)) as (T & { error?: { code: string; message: string } }) | null;
  if (!res.ok || !body) throw new ApiError(res.status, body?.error?.code ?? "HTTP", body?.error?.message ?? `HTTP ${res.status}`);
  return body;
};

/** A random id for one message (works on plain http too, where crypto.randomUUID is missing). */
export const newUpdateKey = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

export const createApi = () => {
  let csrf = "";
  const post = async <T>(path: string, body: unknown): Promise<T> =>
    parse<T>(
      await fetch(`${BASE}/${path}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify(body),
      }),
    );
  const get = async <T>(path: string): Promise<T> => parse<T>(await fetch(`${BASE}/${path}`, { credentials: "same-origin" }));
  const remember = (s: Session): Session => {
    csrf = s.signedIn ? s.csrfToken : "";
    return s;
  };
  return {
    session: async () => remember(await get<Session>("session")),
    signIn: async (code: string) => remember(await post<Session>("sign-in", { code })),
    signOut: async () => remember(await post<Session>("sign-out", {})),
    history: (before?: number) => get<{ messages: Message[]; hasMore: boolean }>(`messages${before ? `?before=${before}` : ""}`),
    tasks: () => get<{ tasks: Task[] }>("tasks"),
    send: (text: string) => post<TurnAnswer>("messages", { text, updateKey: newUpdateKey() }),
    press: (messageId: string, callback: string) => post<TurnAnswer>("press", { messageId, callback, updateKey: newUpdateKey() }),
    /** Files (and their caption) as one multipart request, with upload progress (XHR: fetch has none). */
    upload: (text: string, files: File[], onProgress: (fraction: number) => void): Promise<TurnAnswer> =>
      new Promise((resolve, reject) => {
        const form = new FormData();
        form.set("text", text);
        form.set("updateKey", newUpdateKey());
        for (const f of files) form.append("files", f, f.name);
        const xhr = new XMLHttpRequest();
        xhr.open("POST", `${BASE}/messages`);
        xhr.setRequestHeader("x-csrf-token", csrf);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onload = () => {
          let body: (TurnAnswer & { error?: { code: string; message: string } }) | null = null;
          try {
            body = JSON.parse(xhr.responseText) as TurnAnswer & { error?: { code: string; message: string } };
          } catch {
            body = null;
          }
          if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
          else
            reject(
              new ApiError(
                xhr.status,
                body?.error?.code ?? "HTTP",
                body?.error?.message ?? `HTTP ${xhr.status}`,
                body?.messages ? { messages: body.messages, updates: body.updates ?? [] } : undefined,
              ),
            );
        };
        xhr.onerror = () => reject(new ApiError(0, "NETWORK", ""));
        xhr.send(form);
      }),
    /** Web Push: this browser's subscription (PushSubscription.toJSON()), for the signed-in person. */
    pushSubscribe: (subscription: PushSubscriptionJSON) => post<{ subscribed: true }>("push/subscribe", subscription),
    pushUnsubscribe: (endpoint: string) => post<{ subscribed: false }>("push/unsubscribe", { endpoint }),
    events: (after: number) => new EventSource(`${BASE}/events?after=${after}`),
  };
};

export type Api = ReturnType<typeof createApi>;
