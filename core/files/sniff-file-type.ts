// File type from the content's first bytes, never from the file name or the sender's MIME type:
// a login page saved as "congvan.pdf" is HTML, and a .docx is a ZIP.

/** What the intake accepts. */
export type AcceptedKind = "pdf" | "jpeg" | "png";

/** What `sniffFileType` can tell; the non-accepted kinds exist only to give the clerk a better hint. */
export type SniffedKind = AcceptedKind | "html" | "zip" | "unknown";

const startsWith = (bytes: Uint8Array, sig: readonly number[], offset = 0) => bytes.length >= offset + sig.length && sig.every((b, i) => bytes[offset + i] === b);

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
/** Readers accept a PDF header anywhere in the first 1,024 bytes (some scanners prepend junk). */
const PDF_HEADER_WINDOW = 1024;

const indexOfSig = (bytes: Uint8Array, sig: readonly number[], limit: number) => {
  const end = Math.min(bytes.length - sig.length, limit);
  for (let i = 0; i <= end; i++) if (startsWith(bytes, sig, i)) return i;
  return -1;
};

/** Identifies the content from its magic bytes. */
export const sniffFileType = (bytes: Uint8Array): SniffedKind => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (indexOfSig(bytes, PDF_HEADER, PDF_HEADER_WINDOW) >= 0) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return "zip";
  const head = Buffer.from(bytes.subarray(0, 512))
    .toString("latin1")
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart()
    .toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<?xml") || head.startsWith("<head") || head.startsWith("<body")) return "html";
  return "unknown";
};

/** Pixel dimensions read from an image header, without decoding any pixel. */
export type ImageHeader = { width: number; height: number };

/** Reads width and height from a PNG IHDR chunk. */
const readPngHeader = (bytes: Uint8Array): ImageHeader | null => {
  // signature (8) + length (4) + "IHDR" (4) + width (4) + height (4)
  if (bytes.length < 24 || !startsWith(bytes, [0x49, 0x48, 0x44, 0x52], 12)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
};

/** SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Walks the JPEG marker segments up to the first frame header. */
const readJpegHeader = (bytes: Uint8Array): ImageHeader | null => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // standalone marker, no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame
    const length = view.getUint16(i + 2);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (i + 9 > bytes.length) return null;
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    i += 2 + length;
  }
  return null;
};

/** Image dimensions from the header, or null when the header is missing or malformed. */
export const readImageHeader = (bytes: Uint8Array, kind: "jpeg" | "png"): ImageHeader | null => (kind === "png" ? readPngHeader(bytes) : readJpegHeader(bytes));
