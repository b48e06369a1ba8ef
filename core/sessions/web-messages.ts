// The web chat's conversation history: every message shown in a person's browser, in order, so a
// reload (or a second tab, or another device) shows the same conversation. Bots reach the table
// only through these functions (they never touch Prisma).
import type { CoreDeps } from "../deps.ts";
import type { MessageAction, OutboundMessage } from "../ports/sender.ts";

/** What a person sent from the browser (files are shown by name: their bytes go to the use case). */
export type WebIncomingPayload = { text?: string; files?: { name: string; size: number }[]; pressed?: string };

export type StoredWebMessage =
  | { id: string; seq: number; userId: string; direction: "OUT"; payload: OutboundMessage; createdAt: Date }
  | { id: string; seq: number; userId: string; direction: "IN"; payload: WebIncomingPayload; createdAt: Date };

type Deps = Pick<CoreDeps, "prisma" | "clock">;

const SELECT = { id: true, seq: true, userId: true, direction: true, payload: true, createdAt: true } as const;
const toStored = (row: { id: string; seq: number; userId: string; direction: "IN" | "OUT"; payload: unknown; createdAt: Date }): StoredWebMessage =>
  row.direction === "OUT" ? { ...row, direction: "OUT", payload: row.payload as OutboundMessage } : { ...row, direction: "IN", payload: row.payload as WebIncomingPayload };

/** Most messages one history page returns. */
export const WEB_HISTORY_PAGE = 100;

/**
 * Appends messages to a person's history, in the given order, and returns them as stored.
 *
 * @example await appendWebMessages(deps, { userId, direction: "OUT", payloads: replies });
 */
export const appendWebMessages = async (
  deps: Deps,
  input: { userId: string } & ({ direction: "OUT"; payloads: OutboundMessage[] } | { direction: "IN"; payloads: WebIncomingPayload[] }),
): Promise<StoredWebMessage[]> => {
  const now = deps.clock.now();
  const out: StoredWebMessage[] = [];
  // One insert per message: `seq` (serial) then follows the order of the list.
  for (const payload of input.payloads) {
    const row = await deps.prisma.webMessage.create({
      data: { userId: input.userId, direction: input.direction, payload: JSON.parse(JSON.stringify(payload)) as object, createdAt: now },
      select: SELECT,
    });
    out.push(toStored(row));
  }
  return out;
};

/**
 * A page of a person's history, oldest first: the newest `limit` messages (before `beforeSeq`
 * when given), or the messages after `afterSeq` (what an event stream has not shown yet).
 */
export const listWebMessages = async (
  deps: Deps,
  { userId, beforeSeq, afterSeq, limit = WEB_HISTORY_PAGE }: { userId: string; beforeSeq?: number; afterSeq?: number; limit?: number },
): Promise<StoredWebMessage[]> => {
  const take = Math.min(Math.max(1, limit), WEB_HISTORY_PAGE);
  if (afterSeq !== undefined) {
    const rows = await deps.prisma.webMessage.findMany({ where: { userId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take, select: SELECT });
    return rows.map(toStored);
  }
  const rows = await deps.prisma.webMessage.findMany({
    where: { userId, ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}) },
    orderBy: { seq: "desc" },
    take,
    select: SELECT,
  });
  return rows.reverse().map(toStored);
};

/** One of the person's own messages (null when it is not theirs or does not exist). */
export const getWebMessage = async (deps: Deps, { userId, id }: { userId: string; id: string }): Promise<StoredWebMessage | null> => {
  const row = await deps.prisma.webMessage.findFirst({ where: { id, userId }, select: SELECT });
  return row ? toStored(row) : null;
};

/**
 * Replaces the buttons of one of the person's bot messages (a pressed card keeps only the actions
 * that still apply; [] removes them). Returns the updated message, or null when it is not theirs.
 */
export const setWebMessageActions = async (deps: Deps, { userId, id, actions }: { userId: string; id: string; actions: MessageAction[] }): Promise<StoredWebMessage | null> => {
  const current = await getWebMessage(deps, { userId, id });
  if (!current || current.direction !== "OUT") return null;
  const payload: OutboundMessage = { ...current.payload, actions };
  const row = await deps.prisma.webMessage.update({ where: { id }, data: { payload: JSON.parse(JSON.stringify(payload)) as object }, select: SELECT });
  return toStored(row);
};

/**
 * Replaces the text of one of the person's own messages (IN), e.g. a secret document's trích yếu
 * typed in chat, which must not stay in the history. Returns the updated message, or null when it is
 * not theirs.
 */
export const redactWebMessage = async (deps: Deps, { userId, id, text }: { userId: string; id: string; text: string }): Promise<StoredWebMessage | null> => {
  const current = await getWebMessage(deps, { userId, id });
  if (!current || current.direction !== "IN") return null;
  const payload = { ...current.payload, text };
  const row = await deps.prisma.webMessage.update({ where: { id }, data: { payload: JSON.parse(JSON.stringify(payload)) as object }, select: SELECT });
  return toStored(row);
};
