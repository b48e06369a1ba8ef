// What /xem shows of an outgoing document sent through the interchange: the package (waiting, retrying,
// sent) and each recipient's last status (01…06, 02 with its reason). Read by core/queries/get-document.ts;
// `interchangeViewLines` renders it from the catalog for every channel.
import { t, type Locale } from "../messages/index.ts";
import type { InterchangeSendState } from "../store/generated/enums.ts";
import { formatDateTime } from "../time.ts";

export type InterchangeRecipientView = {
  organId: string;
  name: string;
  /** The last status the recipient sent back (`01`…`06`); null before any. */
  statusCode: string | null;
  /** Its Description: for a 02, the reason. */
  statusDescription: string | null;
  statusAt: Date | null;
};

export type InterchangeSendView = {
  state: InterchangeSendState;
  attempts: number;
  sentAt: Date | null;
  /** FAILED: when it was given up, and the axis' last answer. */
  failedAt: Date | null;
  lastError: string | null;
  /** Our recall (/thuhoi): when, and why; null when not recalled. */
  recall: { at: Date; reason: string | null } | null;
  recipients: InterchangeRecipientView[];
};

/** The fields {@link interchangeSendView} reads (a Prisma `select` on InterchangeOutgoing). */
export const INTERCHANGE_SEND_SELECT = {
  state: true,
  attempts: true,
  sentAt: true,
  failedAt: true,
  lastError: true,
  recalledAt: true,
  recallReason: true,
  recipients: { orderBy: { createdAt: "asc" }, select: { organId: true, organName: true, statusCode: true, statusDescription: true, statusAt: true } },
} as const;

type Row = {
  state: InterchangeSendState;
  attempts: number;
  sentAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
  recalledAt: Date | null;
  recallReason: string | null;
  recipients: { organId: string; organName: string; statusCode: string | null; statusDescription: string | null; statusAt: Date | null }[];
};

export const interchangeSendView = (row: Row): InterchangeSendView => ({
  state: row.state,
  attempts: row.attempts,
  sentAt: row.sentAt,
  failedAt: row.failedAt,
  lastError: row.lastError,
  recall: row.recalledAt ? { at: row.recalledAt, reason: row.recallReason } : null,
  recipients: row.recipients.map((r) => ({ organId: r.organId, name: r.organName, statusCode: r.statusCode, statusDescription: r.statusDescription, statusAt: r.statusAt })),
});

const KNOWN_STATUSES = ["01", "02", "03", "04", "05", "06", "13", "15", "16"] as const;
/** A status code from the axis (a string) that has its own name in the catalog. */
const isKnownStatus = (code: string): code is (typeof KNOWN_STATUSES)[number] => (KNOWN_STATUSES as readonly string[]).includes(code);

/** A status code's name (`03` → "đã tiếp nhận, vào sổ"). */
export const interchangeStatusName = (locale: Locale, code: string): string =>
  isKnownStatus(code) ? t(locale, `interchange.statusName.${code}`) : t(locale, "interchange.statusName.other", { code });

/**
 * The lines /xem shows: a heading with the package's state, then one line per recipient.
 *
 * @example lines(...interchangeViewLines("vi", view.interchange, "Asia/Ho_Chi_Minh"))
 */
export const interchangeViewLines = (locale: Locale, view: InterchangeSendView | null, zone: string): string[] => {
  if (!view) return [];
  const state =
    view.state === "FAILED"
      ? t(locale, "view.interchange.failed", { at: view.failedAt ? formatDateTime(view.failedAt, zone) : "—", error: view.lastError ?? "—" })
      : view.state === "SENT" && view.sentAt
        ? t(locale, "view.interchange.sent", { at: formatDateTime(view.sentAt, zone) })
        : view.attempts > 0
          ? t(locale, "view.interchange.retrying", { attempts: view.attempts })
          : t(locale, "view.interchange.pending");
  return [
    `${t(locale, "view.interchange.heading")} ${state}`,
    view.recall && t(locale, "view.interchange.recalled", { at: formatDateTime(view.recall.at, zone), reason: view.recall.reason ?? "—" }),
    ...view.recipients.map((r) => {
      let status = t(locale, "view.interchange.noStatus");
      if (r.statusCode) {
        const name = interchangeStatusName(locale, r.statusCode);
        const withReason =
          (r.statusCode === "02" || r.statusCode === "16") && r.statusDescription ? t(locale, "view.interchange.reason", { status: name, reason: r.statusDescription }) : name;
        status = r.statusAt ? t(locale, "view.interchange.statusAt", { status: withReason, at: formatDateTime(r.statusAt, zone) }) : withReason;
      }
      return t(locale, "view.interchange.recipient", { agency: r.name, organId: r.organId, status });
    }),
  ].filter((line): line is string => typeof line === "string");
};
