// The one function that turns what the transition table allows into what a message offers: a
// button (Telegram, web chat) and the exact reply that does the same (Zalo's reply lines). The
// outbox cards, the living-card updates and /xem all build their actions here.
//
// Callback data is `a1:<verb>:<id>` (≤ 64 bytes); bots/shared/callback-data.ts decodes these verbs.
import { t, type Locale } from "../messages/index.ts";
import type { MessageAction } from "../ports/sender.ts";
import type { AssignmentAction, DocumentAction, ExtensionAction } from "./state-machine.ts";

/** Button verbs, per action. Stored in platform messages: add verbs, never rename. */
export const ACTION_VERBS = {
  ack: "ack",
  delegate: "dlg",
  progress: "prog",
  complete: "done",
  return: "ret",
  extend: "ext",
  grant: "extok",
  refuse: "extno",
  direct: "dir",
} as const satisfies Record<AssignmentAction | ExtensionAction | DocumentAction, string>;

/** The text command of each assignment action (its arguments follow the ref). */
export const ASSIGNMENT_COMMANDS: { readonly [A in AssignmentAction]: string } = {
  ack: "/nhan",
  delegate: "/giao",
  progress: "/tiendo",
  complete: "/xong",
  return: "/tralai",
  extend: "/giahan",
};

const callback = (verb: string, id: string): string => `a1:${verb}:${id}`;

/**
 * The actions of an assignment card, in the table's order.
 *
 * @example assignmentMessageActions("vi", { id, shownRef: "D7-TCKH" }, ["ack", "complete"]) // [{ label: "Nhận", command: "/nhan D7-TCKH", callback: "a1:ack:<id>" }, …]
 */
export const assignmentMessageActions = (locale: Locale, a: { id: string; shownRef: string }, allowed: readonly AssignmentAction[]): MessageAction[] =>
  allowed.map((action) => ({ label: t(locale, `action.${action}`), command: `${ASSIGNMENT_COMMANDS[action]} ${a.shownRef}`, callback: callback(ACTION_VERBS[action], a.id) }));

/** The leader's decisions on an extension request (`/giahan D7-TCKH dong y` / `khong` on Zalo). */
export const extensionMessageActions = (locale: Locale, ext: { id: string; assignmentShownRef: string }, allowed: readonly ExtensionAction[]): MessageAction[] =>
  allowed.map((action) => ({
    label: t(locale, `action.${action}`),
    command: `/giahan ${ext.assignmentShownRef} ${action === "grant" ? "dong y" : "khong"}`,
    callback: callback(ACTION_VERBS[action], ext.id),
  }));

/** A document's actions (directing it). */
export const documentMessageActions = (locale: Locale, doc: { id: string; shownRef: string }, allowed: readonly DocumentAction[]): MessageAction[] =>
  allowed.map((action) => ({ label: t(locale, `action.${action}`), command: `/chidao ${doc.shownRef}`, callback: callback(ACTION_VERBS[action], doc.id) }));
