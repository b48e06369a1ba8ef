// Stored web messages → what the page shows (JSON). Attachments become signed, expiring links
// made for this person at the time they are shown, so a reloaded history never holds dead links.
import { makeFileLink, type StoredWebMessage } from "../../core/index.ts";
import type { WebMessageView } from "./views.ts";

export type { WebAction, WebAttachment, WebMessageView } from "./views.ts";

export type FileLinkSigner = { secret: string; /** Prefix of the links; "" = same origin. */ baseUrl: string; ttlSeconds: number };

export const toWebMessageView = (m: StoredWebMessage, links: FileLinkSigner, now: Date): WebMessageView => {
  const base = { id: m.id, seq: m.seq, at: m.createdAt.toISOString() };
  if (m.direction === "IN") return { ...base, direction: "in", text: m.payload.text ?? "", actions: [], attachments: [], files: m.payload.files ?? [] };
  const p = m.payload;
  return {
    ...base,
    direction: "out",
    ...(p.title ? { title: p.title } : {}),
    text: p.text,
    actions: (p.actions ?? []).map((a) => ({ label: a.label, callback: a.callback, command: a.command })),
    attachments: (p.attachments ?? []).map((a) => ({
      name: a.fileName,
      kind: a.kind,
      mime: a.mime,
      url: makeFileLink({ baseUrl: links.baseUrl, secret: links.secret }, { sha256: a.sha256, userId: m.userId, name: a.fileName, now, ttlSeconds: links.ttlSeconds }),
    })),
    files: [],
  };
};
