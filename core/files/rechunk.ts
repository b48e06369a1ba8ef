// Re-cutting a byte stream into fixed-size pieces: the database file store writes its chunk rows with
// it, the bots' conversation store its pending-file pieces.
import type { FileContent } from "./file-store.ts";

/** Re-cuts a stream of byte chunks of any size into chunks of exactly `size` bytes (the last one shorter). */
export const rechunk = async function* (content: FileContent, size: number): AsyncIterable<Uint8Array> {
  if (content instanceof Uint8Array) {
    for (let at = 0; at < content.byteLength; at += size) yield content.subarray(at, at + size);
    return;
  }
  let parts: Uint8Array[] = [];
  let held = 0;
  for await (const chunk of content) {
    let rest = chunk;
    while (held + rest.byteLength >= size) {
      const take = size - held;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
      rest = rest.subarray(take);
    }
    if (rest.byteLength > 0) {
      parts.push(rest);
      held += rest.byteLength;
    }
  }
  if (held > 0) yield Buffer.concat(parts);
};
