// The conversation's routes: history, a message (JSON, or multipart with files streamed to
// temporary files), a button press, the tasks panel.
//   GET  /chat/api/messages    history (?before=SEQ for older)
//   POST /chat/api/messages    { text, updateKey } as JSON, or multipart/form-data with files
//   POST /chat/api/press       { messageId, callback, updateKey }: a button press
//   GET  /chat/api/tasks       the tasks panel (listMyTasks)
import { Hono } from "hono";
import { t, listMyTasks, localDateOf, appendWebMessages, getWebMessage, listWebMessages, redactWebMessage, WEB_HISTORY_PAGE } from "../../../core/index.ts";
import { parseIsoDate } from "../../shared/context.ts";
import { linkCodeOf } from "../../shared/features/link.ts";
import { handleIncoming } from "../../shared/handle-incoming.ts";
import { incomingFileSize } from "../../shared/incoming-files.ts";
import { parseMessage } from "../../shared/text/index.ts";
import type { IncomingFile, TurnResult } from "../../shared/types.ts";
import { MalformedUploadError, receiveUpload, UploadTooLargeError } from "../receive-upload.ts";
import { applyCardUpdate, storeOutgoing } from "../store-outgoing.ts";
import { toTaskView } from "../tasks-view.ts";
import { HttpRefusal, JSON_LIMIT, sendJson, type Session, type WebChatEnv, type WebChatKit } from "../web-chat-kit.ts";

/** Files of one message, at most (bots/shared keeps at most 60 pages of a form). */
const MAX_FILES_PER_UPLOAD = 60;

export const messageRoutes = (kit: WebChatKit): Hono<WebChatEnv> => {
  const { deps, hub, log, view, maxUpload, uploadGate } = kit;

  /** Stores the turn's replies and card changes; returns what the page shows at once. */
  const finishTurn = async (s: Session, result: TurnResult, pressedMessageId?: string) => {
    const updated = result.card ? await applyCardUpdate(deps, hub, s.actor.id, result.card, pressedMessageId) : [];
    const { stored, updated: superseded } = await storeOutgoing(deps, hub, s.actor.id, result.replies);
    return { messages: stored.map(view), updates: [...updated, ...superseded].map(view), ...(result.callbackText ? { callbackText: result.callbackText } : {}) };
  };

  /**
   * An upload over the limit is refused in the conversation, like every other bad file: what was
   * sent (its text, its files with the bytes received before the refusal) and the refusal are kept in the history and shown at
   * once; nothing of the file is kept. The answer is still 413, carrying those messages.
   */
  const refuseTooLarge = async (s: Session, err: UploadTooLargeError): Promise<HttpRefusal> => {
    const text = t(s.actor.locale, "web.upload.tooLarge", { maxMb: Math.round(maxUpload / 1048576) });
    const sent = err.fields.text?.trim() ?? "";
    const files = err.files.filter((f) => f.name !== "").map((f) => ({ name: f.name, size: f.received }));
    const incoming =
      sent !== "" || files.length > 0
        ? await appendWebMessages(deps, { userId: s.actor.id, direction: "IN", payloads: [{ ...(sent ? { text: sent } : {}), ...(files.length ? { files } : {}) }] })
        : [];
    const { stored } = await storeOutgoing(deps, hub, s.actor.id, [{ text }]);
    log.info({ userId: s.actor.id, limit: err.limit }, "web upload refused: too large");
    return new HttpRefusal(413, "TOO_LARGE", text, [...incoming, ...stored].map(view));
  };

  /** Runs the turn; returns what the page is answered. */
  const answerMessage = async (s: Session, text: string, rawKey: unknown, files: IncomingFile[]): Promise<object> => {
    const updateKey = kit.updateKeyOf(s, rawKey);
    if (text.trim() === "" && files.length === 0) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.error.badRequest"));

    const [incoming] = await appendWebMessages(deps, {
      userId: s.actor.id,
      direction: "IN",
      payloads: [{ ...(text ? { text } : {}), ...(files.length ? { files: files.map((f) => ({ name: f.fileName ?? "", size: incomingFileSize(f) })) } : {}) }],
    });
    hub.publish(s.actor.id, { type: "nudge" });

    let result: TurnResult;
    if (files.length === 0 && isLinkAttempt(text, deps.settings.officeTimeZone, deps.clock.now())) {
      // A signed-in browser is its person: a code typed here must not re-bind the web identity.
      result = { replies: [{ text: t(s.actor.locale, "web.link.useSignOut", { name: s.actor.name }) }] };
    } else {
      result = await handleIncoming(kit.env(), {
        channel: "WEB",
        externalUserId: s.actor.id,
        chatId: s.actor.id,
        displayName: s.actor.name,
        ...(incoming ? { messageId: incoming.id } : {}),
        ...(text ? { text } : {}),
        ...(files.length ? { files } : {}),
        updateKey,
        // A long step's "đang đọc văn bản…": into the history and the event stream at once.
        progress: async (message) => void (await storeOutgoing(deps, hub, s.actor.id, [message])),
      });
    }
    // What the person typed stays in the history, except what a secret document may not keep.
    const shownIncoming =
      incoming && result.redactIncoming ? ((await redactWebMessage(deps, { userId: s.actor.id, id: incoming.id, text: t(s.actor.locale, "web.redacted") })) ?? incoming) : incoming;
    const out = await finishTurn(s, result);
    return { ...out, messages: [...(shownIncoming ? [view(shownIncoming)] : []), ...out.messages] };
  };

  return new Hono<WebChatEnv>()
    .get("/messages", async (c) => {
      const s = await kit.session(c);
      const before = Number(c.req.query("before") ?? "");
      const messages = await listWebMessages(deps, { userId: s.actor.id, ...(Number.isInteger(before) && before > 0 ? { beforeSeq: before } : {}) });
      return sendJson(c, 200, { messages: messages.map(view), hasMore: messages.length === WEB_HISTORY_PAGE });
    })
    .post("/messages", async (c) => {
      const s = await kit.session(c);
      kit.checkCsrf(c, s);
      if (!(c.req.header("content-type") ?? "").startsWith("multipart/form-data")) {
        const body = await kit.readJson(c);
        return sendJson(c, 200, await answerMessage(s, typeof body.text === "string" ? body.text : "", body.updateKey, []));
      }
      if (!uploadGate.tryEnter(s.actor.id)) {
        log.info({ userId: s.actor.id, active: uploadGate.active() }, "web upload refused: too many at once");
        throw new HttpRefusal(429, "UPLOADS_BUSY", t(s.actor.locale, "web.upload.busy"));
      }
      try {
        // Streamed from the Node request into temporary files, never held in memory.
        const upload = await receiveUpload(c.env.incoming, { dir: kit.uploadDir, maxBytes: maxUpload, maxFiles: MAX_FILES_PER_UPLOAD, maxFieldBytes: JSON_LIMIT }).catch(
          async (err: unknown) => {
            if (err instanceof MalformedUploadError) throw new HttpRefusal(400, "BAD_REQUEST", t(s.actor.locale, "web.error.badRequest"));
            if (err instanceof UploadTooLargeError) throw await refuseTooLarge(s, err);
            throw err;
          },
        );
        // The files stay in their temporary files for the turn: read only where they must be parsed
        // (one large file at a time, bots/shared/incoming-files.ts), streamed where they are kept.
        const files: IncomingFile[] = upload.files.map((f) => ({
          path: f.path,
          size: f.size,
          ...(f.fileName ? { fileName: f.fileName } : {}),
          ...(f.mime ? { mime: f.mime } : {}),
        }));
        let answer: object;
        try {
          answer = await answerMessage(s, upload.fields.text ?? "", upload.fields.updateKey, files);
        } finally {
          // Gone before the page hears back.
          await upload.dispose();
        }
        return sendJson(c, 200, answer);
      } finally {
        uploadGate.leave(s.actor.id);
      }
    })
    .post("/press", async (c) => {
      const s = await kit.session(c);
      kit.checkCsrf(c, s);
      const body = await kit.readJson(c);
      const updateKey = kit.updateKeyOf(s, body.updateKey);
      const messageId = typeof body.messageId === "string" ? body.messageId : "";
      const callback = typeof body.callback === "string" ? body.callback : "";
      const message = messageId ? await getWebMessage(deps, { userId: s.actor.id, id: messageId }) : null;
      // Only a button the person was shown, on their own message, can be pressed; the use case
      // still checks that they may do it.
      if (!message || message.direction !== "OUT" || !(message.payload.actions ?? []).some((a) => a.callback === callback))
        return sendJson(c, 200, { messages: [], updates: [], callbackText: t(s.actor.locale, "bot.confirm.stale") });
      const result = await handleIncoming(kit.env(), { channel: "WEB", externalUserId: s.actor.id, chatId: s.actor.id, displayName: s.actor.name, callback, messageId, updateKey });
      return sendJson(c, 200, await finishTurn(s, result, messageId));
    })
    .get("/tasks", async (c) => {
      const s = await kit.session(c);
      const { items } = await listMyTasks(deps, { actorUserId: s.actor.id });
      return sendJson(c, 200, { tasks: items.map((i) => toTaskView(i, s.actor.locale, deps.settings.officeTimeZone)) });
    });
};

/** A typed link code (`/link CODE`, `/start CODE`, a bare code). */
const isLinkAttempt = (text: string, zone: string, now: Date): boolean => {
  const parsed = parseMessage(text, { today: parseIsoDate(localDateOf(now, zone)) });
  return linkCodeOf(parsed) !== undefined;
};
