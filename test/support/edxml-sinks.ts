// Attachment sinks for edXML parser tests: one that keeps the bytes in memory and records what it was
// asked to do (begin, end, discard), so a test can check that a refused package leaves nothing stored.
import type { AttachmentSink } from "../../core/interchange/edxml.ts";

export type MemorySink = AttachmentSink<{ index: number; bytes: Buffer }> & {
  began: number[];
  ended: number[];
  discarded: number[];
  /** Bytes written per attachment index (also for discarded ones). */
  written: Map<number, number>;
};

export const createMemorySink = (): MemorySink => {
  const sink: MemorySink = {
    began: [],
    ended: [],
    discarded: [],
    written: new Map(),
    async begin({ index }) {
      sink.began.push(index);
      const parts: Buffer[] = [];
      return {
        async write(bytes) {
          parts.push(Buffer.from(bytes));
          sink.written.set(index, (sink.written.get(index) ?? 0) + bytes.length);
        },
        async end() {
          sink.ended.push(index);
          return { index, bytes: Buffer.concat(parts) };
        },
        async discard() {
          sink.discarded.push(index);
          parts.length = 0;
        },
      };
    },
  };
  return sink;
};

/** Feeds `bytes` in pieces of `size` bytes (to cross every boundary the parser might trip on). */
export async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
