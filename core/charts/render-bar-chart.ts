// Stacked horizontal bar charts as PNG: a Vega-Lite spec compiled and rendered to SVG by Vega in
// Node (no canvas), text turned into DejaVu Sans outlines (chart-fonts.ts), rasterised by sharp.
//
// Vega, Vega-Lite, sharp and the fonts (≈100 MB resident) are loaded on the first chart, not when
// the service starts: an idle service never draws one.
import type { TopLevelSpec } from "vega-lite";

/** The chart font's family name (chart-fonts.ts, repeated here so that the spec needs no font loaded). */
const CHART_FONT_FAMILY = "DejaVu Sans";

// Vega measures text through this hook when no canvas is installed; without it, it guesses
// 0.8 em per character. Measuring the real font keeps labels and legends where they belong.
type TextMetrics = { width: (item: { fontSize?: number; fontWeight?: unknown }, text: unknown) => number };

const makeRenderer = async () => {
  const [vega, { compile }, { default: sharp }, fonts] = await Promise.all([import("vega"), import("vega-lite"), import("sharp"), import("./chart-fonts.ts")]);
  if (fonts.CHART_FONT_FAMILY !== CHART_FONT_FAMILY) throw new Error(`chart font family: ${fonts.CHART_FONT_FAMILY}`);
  // `textMetrics` is exported at run time (vega-scenegraph) but missing from vega's typings.
  (vega as unknown as { textMetrics: TextMetrics }).textMetrics.width = (item, text) =>
    fonts.measureChartText(text == null ? "" : String(text).trim(), item.fontSize != null ? Number(item.fontSize) || 0 : 11, item.fontWeight);
  return { vega, compile, sharp, svgTextToPaths: fonts.svgTextToPaths };
};
let renderer: ReturnType<typeof makeRenderer> | undefined;
const loadRenderer = () => {
  renderer ??= makeRenderer();
  renderer.catch(() => (renderer = undefined)); // not cached when failed; the caller gets the error
  return renderer;
};

/** One series (a stacked segment of each bar). */
export type BarSeries = { key: string; label: string; color: string };

/** One bar: a category label and a value per series key. */
export type BarRow = { label: string; values: Record<string, number> };

/** Input of `renderStackedBarChart`. */
export type StackedBarChartInput = {
  title: string;
  subtitle?: string;
  /** Bars from top to bottom. */
  rows: readonly BarRow[];
  series: readonly BarSeries[];
  /** The value axis title. */
  valueTitle: string;
  /** The category axis title (omit to show none). */
  categoryTitle?: string;
  /** Legend title. */
  legendTitle?: string;
  /** Image width in px. @defaultValue 800 */
  width?: number;
  /** Pixel density of the PNG (2 = sharp on phones). @defaultValue 2 */
  scale?: number;
};

export type RenderedChart = {
  png: Buffer;
  svg: string;
  /** PNG size in pixels (the SVG size times `scale`). */
  width: number;
  height: number;
};

/** Height of the chart for a number of bars: a fixed frame plus one band per bar. */
export const stackedBarChartHeight = (bars: number): number => 130 + 34 * Math.max(1, bars);

/**
 * Renders a stacked horizontal bar chart (one bar per row, one segment per series) to PNG, with
 * Vietnamese labels drawn from DejaVu Sans. The image is exactly `width × stackedBarChartHeight(rows)`
 * CSS pixels (Vega-Lite `autosize: fit`), times `scale`.
 *
 * @example
 * const { png } = await renderStackedBarChart({
 *   title: "Kết quả xử lý tuần 16/02–22/02/2026",
 *   rows: [{ label: "Phòng Tư pháp", values: { onTime: 3, late: 1 } }],
 *   series: [{ key: "onTime", label: "Đúng hạn", color: "#2e7d32" }, { key: "late", label: "Chậm hạn", color: "#c62828" }],
 *   valueTitle: "Số việc",
 * });
 */
export const renderStackedBarChart = async (input: StackedBarChartInput): Promise<RenderedChart> => {
  const width = input.width ?? 800;
  const height = stackedBarChartHeight(input.rows.length);
  const scale = input.scale ?? 2;
  const order = input.rows.map((r) => r.label);
  const values = input.rows.flatMap((row, index) =>
    input.series.map((s, seriesIndex) => ({ category: row.label, index, series: s.label, seriesIndex, value: row.values[s.key] ?? 0 })),
  );
  const max = Math.max(1, ...input.rows.map((r) => input.series.reduce((sum, s) => sum + (r.values[s.key] ?? 0), 0)));

  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width,
    height,
    autosize: { type: "fit", contains: "padding" },
    padding: 12,
    background: "white",
    title:
      input.subtitle === undefined
        ? { text: input.title, anchor: "start", fontSize: 16 }
        : { text: input.title, subtitle: input.subtitle, anchor: "start", fontSize: 16, subtitleFontSize: 12 },
    data: { values },
    mark: { type: "bar", tooltip: false },
    encoding: {
      y: {
        field: "category",
        type: "nominal",
        sort: order,
        title: input.categoryTitle ?? null,
        axis: { labelLimit: 320, labelFontSize: 12, titleFontSize: 12 },
      },
      x: {
        field: "value",
        type: "quantitative",
        stack: "zero",
        title: input.valueTitle,
        scale: { domain: [0, max] },
        axis: { format: "d", tickMinStep: 1, labelFontSize: 11, titleFontSize: 12 },
      },
      color: {
        field: "series",
        type: "nominal",
        title: input.legendTitle ?? null,
        scale: { domain: input.series.map((s) => s.label), range: input.series.map((s) => s.color) },
        legend: { orient: "bottom", labelFontSize: 12, titleFontSize: 12, symbolType: "square" },
      },
      order: { field: "seriesIndex", type: "quantitative" },
    },
    config: { font: CHART_FONT_FAMILY, view: { stroke: null } },
  };

  const { vega, compile, sharp, svgTextToPaths } = await loadRenderer();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = svgTextToPaths(await view.toSVG());
    const png = await sharp(Buffer.from(svg), { density: 72 * scale })
      .png()
      .toBuffer();
    const meta = await sharp(png).metadata();
    return { png, svg, width: meta.width ?? 0, height: meta.height ?? 0 };
  } finally {
    view.finalize();
  }
};
