// Fonts with Vietnamese glyphs for stamps (the "ĐẾN" stamp, later the outgoing seal text).
// The standard PDF fonts cannot encode Vietnamese (STACK.md); DejaVu Sans from the npm package
// dejavu-fonts-ttf can. Font files are read once per process; each document embeds a subset
// (only the glyphs used: ~8 KB instead of ~400 KB).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { PDFDocument, PDFFont } from "pdf-lib";

/** fontkit (≈35 MB resident once loaded), loaded by the first stamp rather than at start. */
export const loadFontkit = async () => (await import("@pdf-lib/fontkit")).default;

/** The two weights a stamp uses. */
export type StampFonts = { regular: PDFFont; bold: PDFFont };

const require = createRequire(import.meta.url);
const TTF_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

let fontBytes: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;

/** The TTF bytes of DejaVu Sans (regular and bold), read from disk on first use only. */
export const loadStampFontBytes = (): Promise<{ regular: Uint8Array; bold: Uint8Array }> => {
  fontBytes ??= Promise.all([readFile(join(TTF_DIR, "DejaVuSans.ttf")), readFile(join(TTF_DIR, "DejaVuSans-Bold.ttf"))]).then(
    ([regular, bold]) => ({ regular: new Uint8Array(regular), bold: new Uint8Array(bold) }),
    (err: unknown) => {
      fontBytes = undefined; // let a later call retry
      throw err;
    },
  );
  return fontBytes;
};

/** Embeds DejaVu Sans regular and bold into `doc`, subset, and returns them for drawing. */
export const embedStampFonts = async (doc: PDFDocument): Promise<StampFonts> => {
  const [bytes, fontkit] = await Promise.all([loadStampFontBytes(), loadFontkit()]);
  doc.registerFontkit(fontkit);
  const [regular, bold] = await Promise.all([doc.embedFont(bytes.regular, { subset: true }), doc.embedFont(bytes.bold, { subset: true })]);
  return { regular, bold };
};
