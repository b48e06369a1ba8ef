// /baocao: the office's reports in chat (issue 9), for MONITOR users and the agency's clerks (core
// refuses everyone else). The register or report comes back as a file attachment, stored in the
// file store and attached by its SHA-256, like the stamped PDF after /dangky.
//
//   /baocao                          the on-time report, this month (1st → today)
//   /baocao dunghan 11/2026          the on-time report for a month (text, chart, Excel)
//   /baocao den|di|theodoi PERIOD    the incoming / outgoing / resolution-tracking register (Excel)
//   … csv                            the register as CSV instead
//   PERIOD: "11/2026" (a month), "01/11/2026 30/11/2026" (from, to; "tu … den …" and "-" allowed)
import {
  t,
  buildOnTimeReport,
  formatOnTimeText,
  onTimeReportXlsx,
  renderOnTimeChart,
  exportRegister,
  type RegisterType,
  XLSX_MIME,
  type OutboundMessage,
  addDays,
  formatLocalDate,
  parseVietnameseDate,
  type LocalDate,
} from "../../../core/index.ts";
import { isoDate } from "../context.ts";
import type { TurnContext } from "../context.ts";
import { reply } from "../render.ts";
import { foldVietnamese } from "../text/fold.ts";
import type { TurnResult } from "../types.ts";

type ReportRequest = { kind: "onTime" | RegisterType; from: LocalDate; to: LocalDate; csv: boolean };

const KINDS: Record<string, ReportRequest["kind"]> = {
  dunghan: "onTime",
  ontime: "onTime",
  den: "IN",
  in: "IN",
  di: "OUT",
  out: "OUT",
  theodoi: "TRACKING",
  tracking: "TRACKING",
};

const monthRange = (month: number, year: number): { from: LocalDate; to: LocalDate } | null => {
  if (month < 1 || month > 12) return null;
  const from = `${year}-${String(month).padStart(2, "0")}-01`;
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
  return { from, to: addDays(next, -1) };
};

/** Reads the arguments of /baocao; a string is the part that could not be read. */
export const parseReportArgs = (args: string, today: LocalDate): ReportRequest | { error: "usage" } | { error: "period"; value: string } => {
  const words = foldVietnamese(args)
    .replace(/\s+-\s+/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "");
  let kind: ReportRequest["kind"] = "onTime";
  if (words[0] !== undefined && !/^\d/.test(words[0])) {
    const k = KINDS[words[0].replace(/[^a-z]/g, "")];
    if (k === undefined) return { error: "usage" };
    kind = k;
    words.shift();
  }
  let csv = false;
  const rest: string[] = [];
  for (const w of words) {
    if (w === "csv") csv = true;
    else if (w === "xlsx" || w === "excel") csv = false;
    else if (!["tu", "den", "from", "to", "thang", "month"].includes(w)) rest.push(w);
  }
  if (rest.length === 0) return { kind, from: `${today.slice(0, 8)}01`, to: today, csv };
  const month = rest.length === 1 ? /^(\d{1,2})[/.-](\d{4})$/.exec(rest[0]!) : null;
  if (month) {
    const range = monthRange(Number(month[1]), Number(month[2]));
    return range ? { kind, ...range, csv } : { error: "period", value: rest.join(" ") };
  }
  const dates = rest.map((w) => parseVietnameseDate(w, today));
  if (dates.length > 2 || dates.some((d) => d === null)) return { error: "period", value: rest.join(" ") };
  const from = dates[0]!;
  const to = dates[1] ?? today;
  if (from > to) return { error: "period", value: rest.join(" ") };
  return { kind, from, to, csv };
};

/** `/baocao …` typed by a linked person. */
export const onReportCommand = async (ctx: TurnContext, args: string): Promise<TurnResult> => {
  const { env, locale, actor } = ctx;
  const request = parseReportArgs(args, isoDate(ctx.today));
  if ("error" in request) {
    return { replies: [request.error === "usage" ? reply(locale, "office.bot.usage") : reply(locale, "office.bot.badPeriod", { value: request.value })] };
  }
  const viewer = { actorUserId: actor.id };
  const period = { from: request.from, to: request.to };
  if (request.kind === "onTime") {
    const report = await buildOnTimeReport(env.deps, { viewer, period });
    const [chart, xlsx] = await Promise.all([renderOnTimeChart(report, { locale }), onTimeReportXlsx(report, locale)]);
    const [png, sheet] = await Promise.all([env.deps.files.put(chart.png), env.deps.files.put(xlsx)]);
    const name = `dung-han_${request.from}_${request.to}`;
    const message: OutboundMessage = {
      text: formatOnTimeText(report, { locale }),
      attachments: [
        ...(report.units.length > 0 ? [{ sha256: png.sha256, fileName: `${name}.png`, mime: "image/png", kind: "photo" as const }] : []),
        { sha256: sheet.sha256, fileName: `${name}.xlsx`, mime: XLSX_MIME, kind: "document" },
      ],
    };
    return { replies: [message] };
  }
  const file = await exportRegister(env.deps, { viewer, type: request.kind, period, format: request.csv ? "csv" : "xlsx", locale });
  const stored = await env.deps.files.put(file.bytes);
  return {
    replies: [
      reply(
        locale,
        "office.bot.registerReady",
        {
          title: t(locale, `office.register.${request.kind}.sheet`),
          period: t(locale, "office.period", { from: formatLocalDate(request.from), to: formatLocalDate(request.to) }),
          count: file.rowCount,
        },
        { attachments: [{ sha256: stored.sha256, fileName: file.fileName, mime: file.mime, kind: "document" }] },
      ),
    ],
  };
};
