// Text in charts, independent of the fonts installed on the machine: the chart library (Vega) lays
// text out with widths measured from DejaVu Sans (npm `dejavu-fonts-ttf`, every Vietnamese glyph),
// and the SVG's <text> elements are then replaced by the glyph outlines as <path>s. So the PNG that
// sharp/librsvg rasterises shows "Đúng hạn", "Phòng Tài chính - Kế hoạch" exactly, whatever
// fontconfig finds (or does not find) on a server or in CI.
import fontkit from "@pdf-lib/fontkit";
import type { Font } from "@pdf-lib/fontkit";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const TTF_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

/** The font family name written into chart specs (the text becomes outlines of this font). */
export const CHART_FONT_FAMILY = "DejaVu Sans";

type Fonts = { regular: Font; bold: Font };
let fonts: Fonts | undefined;

/** DejaVu Sans regular and bold, parsed once per process. */
const chartFonts = (): Fonts => {
  fonts ??= {
    regular: fontkit.create(new Uint8Array(readFileSync(join(TTF_DIR, "DejaVuSans.ttf")))),
    bold: fontkit.create(new Uint8Array(readFileSync(join(TTF_DIR, "DejaVuSans-Bold.ttf")))),
  };
  return fonts;
};

const isBold = (weight: unknown): boolean =>
  weight === "bold" || weight === "bolder" || (typeof weight === "number" && weight >= 600) || (typeof weight === "string" && Number(weight) >= 600);

/** The width in px of `text` set in DejaVu Sans at `fontSize` px. */
export const measureChartText = (text: string, fontSize: number, weight?: unknown): number => {
  if (!text || fontSize <= 0) return 0;
  const font = isBold(weight) ? chartFonts().bold : chartFonts().regular;
  const run = font.layout(text.normalize("NFC"));
  const units = run.positions.reduce((sum, p) => sum + p.xAdvance, 0);
  return (units * fontSize) / font.unitsPerEm;
};

// === SVG <text> → <path>

const TEXT_RE = /<text\b([^>]*)>([\s\S]*?)<\/text>/g;
const ATTR_RE = /([\w:-]+)="([^"]*)"/g;

const decodeEntities = (s: string): string =>
  s
    .replace(/<[^>]+>/g, "")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

const glyphPathCache = new Map<string, string>();

const glyphsAsPaths = (text: string, fontSize: number, bold: boolean): { d: string[]; width: number } => {
  const font = bold ? chartFonts().bold : chartFonts().regular;
  const run = font.layout(text.normalize("NFC"));
  const scale = fontSize / font.unitsPerEm;
  const parts: string[] = [];
  let pen = 0;
  run.glyphs.forEach((glyph, i) => {
    const pos = run.positions[i]!;
    const key = `${bold ? "b" : "r"}:${glyph.id}`;
    let d = glyphPathCache.get(key);
    if (d === undefined) {
      d = glyph.path.toSVG();
      glyphPathCache.set(key, d);
    }
    if (d)
      parts.push(
        `<path transform="translate(${fmt((pen + pos.xOffset) * scale)},${fmt(-pos.yOffset * scale)}) scale(${scale.toPrecision(6)},${(-scale).toPrecision(6)})" d="${d}"/>`,
      );
    pen += pos.xAdvance;
  });
  return { d: parts, width: pen * scale };
};

const fmt = (n: number): string => String(Math.round(n * 1000) / 1000);

/**
 * Replaces every `<text>` of an SVG (as Vega writes it: `transform`, `text-anchor`, `font-size`,
 * `font-weight`, `fill`, `opacity`, optional `x`/`y`/`dx`/`dy`) by a group of glyph outlines in
 * DejaVu Sans, at the same place. Invisible text (`opacity="0"`) is dropped.
 */
export const svgTextToPaths = (svg: string): string =>
  svg.replace(TEXT_RE, (_whole, attrText: string, content: string) => {
    const attrs = new Map<string, string>();
    for (const m of attrText.matchAll(ATTR_RE)) attrs.set(m[1]!, m[2]!);
    const text = decodeEntities(content);
    if (!text.trim() || attrs.get("opacity") === "0") return "";
    const fontSize = Number.parseFloat(attrs.get("font-size") ?? "11") || 11;
    const { d, width } = glyphsAsPaths(text, fontSize, isBold(attrs.get("font-weight")));
    const anchor = attrs.get("text-anchor") ?? "start";
    const shift = anchor === "middle" ? -width / 2 : anchor === "end" ? -width : 0;
    const x = Number.parseFloat(attrs.get("x") ?? "0") + Number.parseFloat(attrs.get("dx") ?? "0") + shift;
    const y = Number.parseFloat(attrs.get("y") ?? "0") + Number.parseFloat(attrs.get("dy") ?? "0");
    const transform = `${attrs.get("transform") ?? ""} translate(${fmt(x)},${fmt(y)})`.trim();
    const paint = ["fill", "opacity", "fill-opacity"]
      .filter((name) => attrs.has(name))
      .map((name) => ` ${name}="${attrs.get(name)}"`)
      .join("");
    return `<g transform="${transform}"${attrs.has("fill") ? "" : ' fill="#000"'}${paint}>${d.join("")}</g>`;
  });
