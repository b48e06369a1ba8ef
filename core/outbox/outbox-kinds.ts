// What an outbox row says happened. Payloads carry ids only; the message is rendered from current
// data when it is sent. Renaming a kind orphans stored rows: add kinds, never rename.
import type { Channel } from "../channels.ts";

export type OutboxPayloads = {
  /** A leader is asked to direct a newly registered document. */
  "document.toDirect": { documentId: string };
  /** A unit head (or delegated officer) gets an assignment. */
  "assignment.new": { assignmentId: string };
  /** The office learns that a unit without an account must get the document on paper. */
  "assignment.paper": { assignmentId: string };
  /**
   * The directive on an assignment was replaced by a new one (the old assignment is cancelled), or
   * an officer's delegation closed because the unit returned or completed its assignment.
   */
  "assignment.cancelled": { assignmentId: string };
  /** Someone acknowledged / progressed / completed / returned an assignment: tell the one who needs to know. */
  "assignment.acknowledged": { assignmentId: string };
  "assignment.progress": { assignmentId: string; reportId: string };
  "assignment.completed": { assignmentId: string; reportId: string };
  "assignment.returned": { assignmentId: string };
  /** A leader is asked to decide on an extension; the requester learns the decision. */
  "extension.requested": { extensionId: string };
  "extension.decided": { extensionId: string };
  /** A waiting request was closed because its assignment was returned, completed or cancelled. */
  "extension.closed": { extensionId: string };
  /** A chase step of the reminder policy. */
  "reminder.step": {
    assignmentId: string;
    step: string;
    at: string;
    /** Every step sent together (usually just `[step]`); see core/reminders/send-due-reminder.ts. */
    steps?: string[];
    /** Why this person is told: as the holder, as a head of the unit, or as the office. */
    audience?: "HOLDER" | "HEADS" | "OFFICE";
    /** OVERDUE: the working day overdue (1 = first). */
    overdueDay?: number;
  };
  /** The office learns a person cannot be reached on any channel. */
  "office.unreachable": { userId: string; outboxId: string };
  /**
   * The office learns that a bot cannot hear people (e.g. a Zalo webhook left set while polling).
   * `problem` picks the explanation; `detail` is what the platform said (a URL, an error text).
   */
  "office.channelDeaf": { channel: Channel; problem: "webhookSet" | "webhookLost" | "checkFailed"; detail: string; since: string };
  /**
   * The office learns that the service-wide budget of wrong link codes is spent (someone is guessing
   * codes from many chats or browsers): every redemption is refused until `lockedUntil`.
   */
  "office.linkCodesLocked": { lockedUntil: string; maxTries: number; windowMinutes: number };
  /** Morning digest / weekly chart for office users. */
  "office.digest": {
    date: string;
    orgId?: string;
    /** The audit chain's head when the digest was queued (seq, hash): a copy of it outside the database. */
    auditHead?: { seq: string; hash: string };
  };
  /** `pngSha256`: the chart image in the file store (core/reports/weekly-chart.ts); `weekEnd` is inclusive. */
  "office.weeklyChart": { weekStart: string; weekEnd?: string; orgId?: string; pngSha256?: string };
  /** The whole document is done (its main assignment completed). */
  "document.done": { documentId: string };
  /** The office learns that a package from the document interchange was refused (core/interchange/receive-package.ts). */
  "office.interchangeRefused": { packageId: string };
  /**
   * A register clerk gets the card of a package from the interchange waiting for the register: Vào sổ
   * (/ok LT5) or Trả lại (/tralai LT5 lý do). Rendered only while the package waits (core/interchange/decide-package.ts).
   */
  "interchange.toRegister": { packageId: string };
  /** The office learns that a register clerk returned a package to its sender (status 02). */
  "office.interchangeReturned": { packageId: string };
  /** A unit head receives an outgoing document of the agency (core/outgoing/render-outgoing-received.ts). */
  "outgoing.received": { documentId: string; recipientId: string };
  /** The issuing clerk learns an agency returned an outgoing document through the interchange (status 02; core/interchange/send-statuses.ts). */
  "outgoing.interchangeReturned": { statusId: string };
  /**
   * The sender of a package recalled it (status 13; core/interchange/receive-recall.ts): the register clerks
   * and the office learn it, with our answer (15 accepted, 16 refused). For a package still on the clerks'
   * card it replaces the card (same card key): the card is withdrawn.
   */
  "interchange.recalled": { packageId: string };
  /** The issuing clerk learns a recipient answered our recall (15 accepted, 16 refused; core/interchange/send-statuses.ts). */
  "outgoing.interchangeRecallAnswered": { statusId: string };
  /** The issuing clerk learns the axis kept refusing an outgoing package: it is given up (core/interchange/send-outgoing.ts). */
  "outgoing.interchangeFailed": { outgoingId: string };
  /** The office (or the clerk who recalled) learns the axis kept refusing a status message: it is given up (core/interchange/status-messages.ts). */
  "interchange.statusFailed": { statusMessageId: string };
};

export type OutboxKind = keyof OutboxPayloads;
export const OUTBOX_KINDS = [
  "document.toDirect",
  "assignment.new",
  "assignment.paper",
  "assignment.cancelled",
  "assignment.acknowledged",
  "assignment.progress",
  "assignment.completed",
  "assignment.returned",
  "extension.requested",
  "extension.decided",
  "extension.closed",
  "reminder.step",
  "office.unreachable",
  "office.channelDeaf",
  "office.linkCodesLocked",
  "office.digest",
  "office.weeklyChart",
  "document.done",
  "outgoing.received",
  "office.interchangeRefused",
  "interchange.toRegister",
  "office.interchangeReturned",
  "outgoing.interchangeReturned",
  "interchange.recalled",
  "outgoing.interchangeRecallAnswered",
  "outgoing.interchangeFailed",
  "interchange.statusFailed",
] as const satisfies readonly OutboxKind[];
