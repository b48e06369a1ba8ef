import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { measureChartText, svgTextToPaths } from "../../../core/charts/chart-fonts.ts";
import { renderStackedBarChart, stackedBarChartHeight } from "../../../core/charts/render-bar-chart.ts";

const SERIES = [
  { key: "onTime", label: "Đúng hạn", color: "#2e7d32" },
  { key: "late", label: "Chậm hạn", color: "#c62828" },
];

describe("renderStackedBarChart", () => {
  it("renders a PNG of the stated size, with text drawn as outlines (no font needed)", async () => {
    const chart = await renderStackedBarChart({
      title: "Kết quả xử lý việc tuần 20/04/2026 – 26/04/2026",
      rows: [
        { label: "Phòng Tài chính - Kế hoạch", values: { onTime: 2, late: 1 } },
        { label: "UBND phường Nhơn Bình", values: { onTime: 0, late: 4 } },
      ],
      series: SERIES,
      valueTitle: "Số việc hoàn thành",
      width: 600,
      scale: 1,
    });
    expect(chart.png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect([chart.width, chart.height]).toEqual([600, stackedBarChartHeight(2)]);
    expect(chart.svg).not.toContain("<text");
    // The bars are there: both series colours appear in the picture.
    const { data, info } = await sharp(chart.png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const colours = new Set<string>();
    for (let i = 0; i < data.length; i += info.channels) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    expect(colours.has("46,125,50")).toBe(true);
    expect(colours.has("198,40,40")).toBe(true);
  });

  it("measures Vietnamese text with the real font and turns <text> into glyph paths at the anchor", () => {
    expect(measureChartText("Đúng hạn", 12)).toBeGreaterThan(measureChartText("Dung han", 12) - 0.01);
    expect(measureChartText("Đ", 12, "bold")).toBeGreaterThan(measureChartText("Đ", 12));
    const out = svgTextToPaths('<svg><text text-anchor="middle" transform="translate(50,20)" font-size="10px" fill="#000">Đế &amp; ợ</text><text opacity="0">x</text></svg>');
    expect(out).not.toContain("<text");
    // "Đế & ợ": 4 visible glyphs (the space draws nothing), centred: shifted left by half the width.
    expect(out.match(/<path /g)).toHaveLength(4);
    const shift = /translate\(50,20\) translate\((-[\d.]+),0\)/.exec(out)?.[1];
    expect(Number(shift)).toBeCloseTo(-measureChartText("Đế & ợ", 10) / 2, 2);
  });
});
