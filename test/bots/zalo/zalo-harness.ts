// What the Zalo bot tests share: a fake Zalo Bot API (the real client talks to it), and one local
// HTTP server standing in for the service: the signed download route (`/files/`), the photos a
// person "sent" (`/photos/`, where the platform would host them) and the webhook (`/webhook/zalo`).
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CoreDeps } from "../../../core/deps.ts";
import { getRequestListener } from "@hono/node-server";
import { fileDownloadRoutes } from "../../../app/file-links.ts";
import type { FakeZaloSent, FakeZaloServer } from "../../support/fake-zalo-server.ts";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export type LocalService = {
  baseUrl: string;
  /** Serves `bytes` at `/photos/<name>` and returns its URL. */
  photo(name: string, bytes: Uint8Array, mime?: string): string;
  /**
   * Serves `bytes` at `/held/<name>` only once `release()` is called: a download that takes as
   * long as the test wants (a slow turn). `requests()` counts the requests received so far.
   */
  heldPhoto(name: string, bytes: Uint8Array): { url: string; requests(): number; release(): void };
  /** Mounts the Zalo webhook handler at `/webhook/zalo`. */
  setWebhook(handler: Handler): void;
  close(): Promise<void>;
};

export const startLocalService = async (deps: CoreDeps, secret: string): Promise<LocalService> => {
  const files = getRequestListener(fileDownloadRoutes(deps, secret).fetch, { overrideGlobalObjects: false });
  const photos = new Map<string, { bytes: Uint8Array; mime: string }>();
  const held = new Map<string, { bytes: Uint8Array; requests: number; gate: Promise<void> }>();
  let webhook: Handler | null = null;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const done = (p: Promise<void> | void) =>
      Promise.resolve(p).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    if (url.pathname.startsWith("/files/")) return void done(files(req, res));
    if (url.pathname === "/webhook/zalo" && webhook) return void done(webhook(req, res));
    const hold = url.pathname.startsWith("/held/") ? held.get(url.pathname.slice("/held/".length)) : undefined;
    if (hold) {
      hold.requests += 1;
      return void done(hold.gate.then(() => void res.writeHead(200, { "content-type": "image/png", "content-length": hold.bytes.byteLength }).end(Buffer.from(hold.bytes))));
    }
    const photo = url.pathname.startsWith("/photos/") ? photos.get(url.pathname.slice("/photos/".length)) : undefined;
    if (photo) {
      res.writeHead(200, { "content-type": photo.mime, "content-length": photo.bytes.byteLength }).end(Buffer.from(photo.bytes));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    photo: (name, bytes, mime = "image/png") => {
      photos.set(name, { bytes, mime });
      return `${baseUrl}/photos/${name}`;
    },
    heldPhoto: (name, bytes) => {
      let release = () => {};
      const entry = { bytes, requests: 0, gate: new Promise<void>((resolve) => (release = resolve)) };
      held.set(name, entry);
      return { url: `${baseUrl}/held/${name}`, requests: () => entry.requests, release: () => release() };
    },
    setWebhook: (handler) => {
      webhook = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

// === Updates as Zalo sends them

let nextMessageId = 1;

const envelope = (event: string, userId: string, name: string, message: Record<string, unknown>) => ({
  event_name: event,
  message: {
    message_id: `msg-${nextMessageId++}`,
    date: Date.now(),
    from: { id: userId, display_name: name, is_bot: false },
    chat: { id: userId, chat_type: "PRIVATE" },
    ...message,
  },
});

export const textUpdate = (userId: string, text: string, name = "Người dùng") => envelope("message.text.received", userId, name, { text });
export const photoUpdate = (userId: string, photoUrl: string, caption?: string) =>
  envelope("message.image.received", userId, "Người dùng", { photo_url: photoUrl, ...(caption ? { caption } : {}) });
export const stickerUpdate = (userId: string) => envelope("message.sticker.received", userId, "Người dùng", { sticker: "abc" });
export const voiceUpdate = (userId: string) => envelope("message.voice.received", userId, "Người dùng", { voice_url: "https://cdn.example/voice.aac" });
export const reactionUpdate = (userId: string) => envelope("message.reaction.received", userId, "Người dùng", { reaction: { icon: "/-strong" } });

// === Reading what the bot sent

/** What a sent message shows: the text, or a photo's caption. */
export const shown = (m: FakeZaloSent | undefined): string => String(m?.body.text ?? m?.body.caption ?? "");

export const sentTo = (fake: FakeZaloServer, chatId: string): FakeZaloSent[] => fake.sent.filter((m) => m.chat_id === chatId && m.method !== "sendChatAction");

export const waitFor = async <T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
};

/** The URLs in a text. */
export const urlsIn = (text: string): string[] => [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
