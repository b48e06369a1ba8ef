// What the web chat's API answers, as types: the one definition the server's views and the page
// (web/src/api.ts) both import. Types only, no imports: the page's build erases it.

export type WebAction = { label: string; callback: string; command: string };
export type WebAttachment = { name: string; url: string; kind: "document" | "photo"; mime: string };

/** One message as the page receives it. */
export type WebMessageView = {
  id: string;
  seq: number;
  direction: "in" | "out";
  /** ISO instant. */
  at: string;
  title?: string;
  text: string;
  actions: WebAction[];
  attachments: WebAttachment[];
  /** Files the person sent (names and sizes only). */
  files: { name: string; size: number }[];
};

/** One open task of the tasks panel. */
export type TaskView = {
  /** The kind of task (core's TaskItem kind). */
  kind: string;
  ref: string;
  title: string;
  /** Short status: "Quá hạn", "Còn 3 ngày làm việc", "Chờ chỉ đạo"… */
  badge: string;
  tone: "overdue" | "soon" | "normal";
  /** The deadline in words, when there is one. */
  due?: string;
  /** What clicking the task sends: `/xem D7-TCKH`, `/chidao D7`. */
  command: string;
};

export type WebUserView = { name: string; title: string | null; unitCode: string; roles: string[] };

/** GET /chat/api/session, sign-in, sign-out. */
export type WebSessionView =
  | { signedIn: false; texts: Record<string, string> }
  | { signedIn: true; user: WebUserView; csrfToken: string; maxUploadBytes: number; pushPublicKey?: string; texts: Record<string, string> };

/** What a message or a button press is answered. */
export type WebTurnAnswer = { messages: WebMessageView[]; updates: WebMessageView[]; callbackText?: string };
