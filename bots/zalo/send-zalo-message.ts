// Sending one channel-neutral message on Zalo, for the bot's replies and the delivery jobs alike:
// page previews first (sendPhoto by signed URL), then the text with the download links and the
// reply commands, split at 2,000 characters on line boundaries, references and the reply line in
// bold (text_styles), sent plain instead when the platform refuses the styles.
import { type FileStore, makeFileLink, t, type Locale, type MessageAttachment, type OutboundMessage } from "../../core/index.ts";
import type { BotLogger } from "../shared/types.ts";
import type { PdfPreviewer } from "./pdf-preview.ts";
import { zaloStyledParts } from "./render-zalo.ts";
import type { ZaloStyledPart } from "./render-zalo.ts";
import type { ZaloClient, ZaloSentMessage } from "./zalo-client.ts";
import { ZaloApiError } from "./zalo-error.ts";

/** Where signed download links point (`PUBLIC_BASE_URL`) and the secret that signs them. */
export type ZaloFileLinks = {
  /** `PUBLIC_BASE_URL`: the links are `<baseUrl>/files/<token>`. */
  baseUrl: string;
  /** The secret of the `/files/` route (app/file-links.ts loadFileLinkSecret). */
  secret: string;
  /**
   * How long a link works.
   * @defaultValue 7 days
   */
  ttlSeconds?: number;
};

export const DEFAULT_LINK_TTL_SECONDS = 7 * 24 * 3600;

/** Clients whose platform refused `text_styles` once: they get plain text from then on. */
const stylesRefused = new WeakSet<ZaloClient>();

/**
 * Sends one part with its bold ranges; when the platform refuses them (400), logs its
 * description, sends the same text plain and stops styling for this client.
 */
const sendStyled = async (client: ZaloClient, chatId: string, part: ZaloStyledPart, logger?: BotLogger, signal?: AbortSignal): Promise<ZaloSentMessage> => {
  const call = signal ? { signal } : undefined;
  if (part.styles.length === 0 || stylesRefused.has(client)) return client.sendMessage({ chat_id: chatId, text: part.text }, call);
  try {
    return await client.sendMessage({ chat_id: chatId, text: part.text, text_styles: part.styles }, call);
  } catch (err) {
    if (!(err instanceof ZaloApiError && err.error_code === 400) || signal?.aborted) throw err;
    const plain = await client.sendMessage({ chat_id: chatId, text: part.text }, call);
    // The same text went through without styles: it was the styles that were refused.
    stylesRefused.add(client);
    logger?.warn({ chatId, code: err.error_code, description: err.description }, "Zalo refused text_styles; sending plain text from now on");
    return plain;
  }
};

export type SendZaloMessageOptions = {
  client: ZaloClient;
  chatId: string;
  message: OutboundMessage;
  locale: Locale;
  /** The person the links are made for (bound into each link); null: no links can be made. */
  userId: string | null;
  fileLinks: ZaloFileLinks | null;
  /** Page-1 previews of PDFs; null: none. */
  previews: PdfPreviewer | null;
  now: () => Date;
  logger?: BotLogger;
  /** Cancels what is not sent yet (the client aborts the call in flight). */
  signal?: AbortSignal;
};

const isPdf = (a: MessageAttachment): boolean => a.mime === "application/pdf" || /\.pdf$/i.test(a.fileName);
const isImage = (a: MessageAttachment): boolean => a.kind === "photo" || /^image\/(png|jpeg)$/.test(a.mime);

/** `D7.pdf` → `D7.png` (the download route serves a name ending in .png as an image). */
const pngName = (fileName: string): string => `${fileName.replace(/\.[A-Za-z0-9]{1,5}$/, "")}.png`;
const jpgName = (fileName: string): string => `${fileName.replace(/\.[A-Za-z0-9]{1,5}$/, "")}.jpg`;

/**
 * Sends the message and returns the id of the first message sent. A preview the platform refuses
 * (400, 404: e.g. it could not fetch the URL) is skipped; any other failure is thrown as the
 * client raised it (ZaloApiError / ZaloHttpError).
 */
export const sendZaloMessage = async (opts: SendZaloMessageOptions): Promise<string> => {
  const { client, chatId, message, locale, userId, fileLinks } = opts;
  const attachments = message.attachments ?? [];
  const linkLines: string[] = [];
  const photos: { url: string; caption: string }[] = [];

  if (attachments.length > 0) {
    if (!fileLinks || userId === null) {
      for (const a of attachments) linkLines.push(t(locale, "zalo.file.noLink", { name: a.fileName }));
      opts.logger?.warn({ chatId, hasLinks: fileLinks !== null }, "attachment not sent on Zalo: set PUBLIC_BASE_URL so signed download links can be made");
    } else {
      const ttlSeconds = fileLinks.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS;
      const link = (sha256: string, name: string) => makeFileLink(fileLinks, { sha256, userId, name, now: opts.now(), ttlSeconds });
      // A photo URL ends in the image's extension (platforms fetching images look at it); the
      // download route reads only the path, so the name rides in the query.
      const imageLink = (sha256: string, name: string) => `${link(sha256, name)}?f=${encodeURIComponent(name)}`;
      for (const a of attachments) {
        linkLines.push(t(locale, "zalo.file.link", { name: a.fileName, url: link(a.sha256, a.fileName) }));
        if (isImage(a)) {
          photos.push({ url: imageLink(a.sha256, a.mime === "image/jpeg" ? jpgName(a.fileName) : pngName(a.fileName)), caption: a.fileName });
        } else if (isPdf(a) && opts.previews) {
          const png = await opts.previews(a.sha256);
          if (png) photos.push({ url: imageLink(png, pngName(a.fileName)), caption: t(locale, "zalo.preview.caption", { name: a.fileName }) });
        }
      }
      linkLines.push(t(locale, "zalo.file.linkNote", { days: Math.max(1, Math.round(ttlSeconds / 86400)) }));
    }
  }

  const { signal } = opts;
  const call = signal ? { signal } : undefined;
  let firstId: string | null = null;
  for (const photo of photos) {
    try {
      signal?.throwIfAborted();
      const sent = await client.sendPhoto({ chat_id: chatId, photo: photo.url, caption: photo.caption }, call);
      firstId ??= sent.message_id;
    } catch (err) {
      // The preview is a courtesy: the link in the text is what matters.
      if (err instanceof ZaloApiError && (err.error_code === 400 || err.error_code === 404) && !signal?.aborted) {
        opts.logger?.warn({ chatId, code: err.error_code, description: err.description }, "photo preview refused by Zalo; the text keeps the link");
        continue;
      }
      throw err;
    }
  }
  for (const part of zaloStyledParts(message, { locale, extraLines: linkLines })) {
    signal?.throwIfAborted();
    const sent = await sendStyled(client, chatId, part, opts.logger, signal);
    firstId ??= sent.message_id;
  }
  if (firstId === null) throw new Error("sendZaloMessage: nothing to send (empty message)");
  return firstId;
};
