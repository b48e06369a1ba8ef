// Downloading a file a person sent, from the configured Bot API root (a local telegram-bot-api
// server or a test fake too: `@grammyjs/files` only speaks https and ignores the status code).
import type { Api } from "grammy";

/** Bots may download files up to 20 MB from the public Bot API. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** The file is larger than the bot may download. */
export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`file of ${size} bytes exceeds ${max}`);
  }
}

export const downloadTelegramFile = async (
  api: Api,
  opts: { token: string; apiRoot: string; fileId: string; knownSize?: number | undefined; maxBytes: number },
): Promise<Uint8Array> => {
  if (opts.knownSize !== undefined && opts.knownSize > opts.maxBytes) throw new FileTooLargeError(opts.knownSize, opts.maxBytes);
  const file = await api.getFile(opts.fileId);
  if (file.file_size !== undefined && file.file_size > opts.maxBytes) throw new FileTooLargeError(file.file_size, opts.maxBytes);
  if (!file.file_path) throw new Error("getFile returned no file_path");
  const res = await fetch(`${opts.apiRoot}/file/bot${opts.token}/${file.file_path}`);
  if (!res.ok || !res.body) throw new Error(`file download failed: HTTP ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body.cancel();
    throw new FileTooLargeError(declared, opts.maxBytes);
  }
  // Count while reading: a server that lies about the length cannot make us buffer more.
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > opts.maxBytes) throw new FileTooLargeError(total, opts.maxBytes);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
};
