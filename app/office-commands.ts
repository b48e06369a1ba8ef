// The office's CLI commands, wired into app/cli.ts:
//
//   edoc report register --type in|out|tracking --from YYYY-MM-DD --to YYYY-MM-DD [--secret] [--volume N] [--format xlsx|csv] --out FILE [--org CODE]
//   edoc report on-time --from YYYY-MM-DD --to YYYY-MM-DD [--xlsx FILE] [--chart FILE.png] [--org CODE]
//   edoc archive open CODE --title T --retention R [--year YYYY] --as USER
//   edoc archive add CODE REF [REF…] --year YYYY --as USER
//   edoc archive close CODE --year YYYY --as USER
//   edoc archive list --year YYYY [--out FILE.xlsx] [--org CODE]
//   edoc archive export CODE --year YYYY --out DIR [--zip] [--org CODE]
//   edoc archive verify DIR
//
// The CLI acts as the server's operator (office-scope.ts): it sees every document, secret ones as
// metadata. `--secret` exports the secret register (sổ mật) instead of the ordinary one: a separate
// book, printed on the office's machine and never sent through a chat; `--volume N` prints the
// volume number (quyển số) on the cover. With one organisation in the database, --org may be left out.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { addDocumentToCaseFile, closeCaseFile, exportCaseFile, openCaseFile, caseFileListTable, listCaseFiles, verifyArchivePackage } from "../core/office/index.ts";
import { findUserIdByCode, buildOnTimeReport, formatOnTimeText, onTimeReportXlsx, renderOnTimeChart, exportRegister, type RegisterType, tablesToXlsx } from "../core/index.ts";
import { openCommandContext, type AppContext } from "./context.ts";

export const REPORT_USAGE = `Usage:
  edoc report register --type in|out|tracking --from YYYY-MM-DD --to YYYY-MM-DD [--secret] [--volume N] [--format xlsx|csv] --out FILE [--org CODE]
  edoc report on-time --from YYYY-MM-DD --to YYYY-MM-DD [--xlsx FILE] [--chart FILE.png] [--org CODE]`;
export const ARCHIVE_USAGE = `Usage:
  edoc archive open CODE --title T --retention R [--year YYYY] --as USER
  edoc archive add CODE REF [REF…] --year YYYY --as USER     (REF: D7/2026, P12/2026)
  edoc archive close CODE --year YYYY --as USER
  edoc archive list --year YYYY [--out FILE.xlsx] [--org CODE]
  edoc archive export CODE --year YYYY --out DIR [--zip] [--org CODE]
  edoc archive verify DIR`;

const TYPES: Record<string, RegisterType> = { in: "IN", out: "OUT", tracking: "TRACKING" };

const withApp = async <T>(fn: (app: AppContext) => Promise<T>): Promise<T> => {
  const app = await openCommandContext();
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
};

/** `edoc report …` */
export const reportCommand = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      type: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string", default: "xlsx" },
      out: { type: "string" },
      xlsx: { type: "string" },
      chart: { type: "string" },
      org: { type: "string" },
      secret: { type: "boolean", default: false },
      volume: { type: "string" },
    },
  });
  const viewer = { orgCode: values.org };
  if (!values.from || !values.to || (values.volume !== undefined && !/^\d{1,3}$/.test(values.volume))) {
    console.error(REPORT_USAGE);
    return 2;
  }
  const period = { from: values.from, to: values.to };
  if (positionals[0] === "register") {
    const type = TYPES[values.type ?? ""];
    if (!type || !values.out || (values.format !== "xlsx" && values.format !== "csv")) {
      console.error(REPORT_USAGE);
      return 2;
    }
    const format = values.format;
    const out = values.out;
    return withApp(async (app) => {
      const secret = values.secret;
      const volume = values.volume === undefined ? undefined : Number(values.volume);
      const file = await exportRegister(app.deps, { viewer, type, period, format, secret, ...(volume === undefined ? {} : { volume }) });
      await writeFile(out, file.bytes);
      console.log(`Register ${type}${secret ? " (secret)" : ""} ${period.from} – ${period.to}: ${file.rowCount} row(s) written to ${out} (${format}).`);
      return 0;
    });
  }
  if (positionals[0] === "on-time") {
    return withApp(async (app) => {
      const report = await buildOnTimeReport(app.deps, { viewer, period });
      console.log(formatOnTimeText(report, { limit: Number.MAX_SAFE_INTEGER }));
      if (values.xlsx) {
        await writeFile(values.xlsx, await onTimeReportXlsx(report));
        console.log(`\nXLSX written to ${values.xlsx}.`);
      }
      if (values.chart) {
        await writeFile(values.chart, (await renderOnTimeChart(report)).png);
        console.log(`Chart written to ${values.chart}.`);
      }
      return 0;
    });
  }
  console.error(REPORT_USAGE);
  return 2;
};

/** `edoc archive …` */
export const archiveCommand = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      year: { type: "string" },
      out: { type: "string" },
      zip: { type: "boolean", default: false },
      org: { type: "string" },
      as: { type: "string" },
      title: { type: "string" },
      retention: { type: "string" },
    },
  });
  const viewer = { orgCode: values.org };
  const year = values.year !== undefined && /^\d{4}$/.test(values.year) ? Number(values.year) : null;
  switch (positionals[0]) {
    case "verify": {
      if (!positionals[1]) break;
      const r = await verifyArchivePackage(positionals[1]);
      if (r.manifestError) {
        console.error(`Not a valid archive package: ${r.manifestError}.`);
        return 1;
      }
      if (r.ok) {
        console.log(`Archive package ${r.fileCode} intact: ${r.checked} file(s) match the manifest.`);
        return 0;
      }
      for (const f of r.missing) console.error(`MISSING  ${f}`);
      for (const f of r.altered) console.error(`ALTERED  ${f}`);
      for (const f of r.unexpected) console.error(`UNLISTED ${f}`);
      console.error(`Archive package ${r.fileCode} does NOT match its manifest: ${r.missing.length} missing, ${r.altered.length} altered, ${r.unexpected.length} not listed.`);
      return 1;
    }
    case "export": {
      const code = positionals[1];
      if (!code || year === null || !values.out) break;
      const outDir = values.out;
      return withApp(async (app) => {
        const r = await exportCaseFile(app.deps, { viewer, code, year, outDir, zip: values.zip ?? false });
        console.log(`Case file ${r.fileCode} exported to ${r.outDir}: ${r.documentCount} document(s), ${r.fileCount} file(s), ${r.auditEventCount} audit event(s).`);
        if (r.zipPath) console.log(`ZIP written to ${r.zipPath}.`);
        return 0;
      });
    }
    // Opening, filling and closing a case file are an office user's acts (audited as that person).
    case "open": {
      const code = positionals[1];
      if (!code || !values.as || !values.title || !values.retention) break;
      const { as, title, retention } = values;
      return withApp(async (app) => {
        const actorUserId = await findUserIdByCode(app.deps, as);
        const r = await openCaseFile(app.deps, { actorUserId, code, title, retention, ...(year !== null ? { year } : {}) });
        console.log(`Case file ${r.fileCode} opened.`);
        return 0;
      });
    }
    case "add": {
      const [, code, ...refs] = positionals;
      if (!code || refs.length === 0 || year === null || !values.as) break;
      const as = values.as;
      return withApp(async (app) => {
        const actorUserId = await findUserIdByCode(app.deps, as);
        for (const documentRef of refs) {
          const r = await addDocumentToCaseFile(app.deps, { actorUserId, code, year, documentRef });
          console.log(`${r.documentRef} added to case file ${code}/${year} as document ${r.ordinal}.`);
        }
        return 0;
      });
    }
    case "close": {
      const code = positionals[1];
      if (!code || year === null || !values.as) break;
      const as = values.as;
      return withApp(async (app) => {
        const actorUserId = await findUserIdByCode(app.deps, as);
        const r = await closeCaseFile(app.deps, { actorUserId, code, year });
        console.log(`Case file ${code}/${year} closed with ${r.documentCount} document(s).`);
        return 0;
      });
    }
    case "list": {
      if (year === null) break;
      const out = values.out;
      return withApp(async (app) => {
        const list = await listCaseFiles(app.deps, { viewer, year });
        for (const i of list.items) console.log(`${i.code.padEnd(12)} ${i.status.padEnd(6)} ${String(i.documentCount).padStart(3)} vb  ${i.retention.padEnd(10)} ${i.title}`);
        if (list.items.length === 0) console.log(`No case files in ${year}.`);
        if (out) {
          await writeFile(out, await tablesToXlsx([caseFileListTable(list)]));
          console.log(`XLSX written to ${out}.`);
        }
        return 0;
      });
    }
  }
  console.error(ARCHIVE_USAGE);
  return 2;
};
