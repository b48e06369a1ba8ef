// `edoc document complete`: the office's machine is where a secret incoming document's trích yếu
// and other details are entered; chat registers it with its số/ký hiệu, issuer and độ mật only
// (bots/shared/features/register.ts, README "Secret documents").
//
//   edoc document complete REF --as USER [--subject TEXT|-] [--date DATE] [--type TYPE]
//                          [--urgency LEVEL] [--signer NAME] [--signer-title TITLE] [--note TEXT]
//
// `--subject -` reads the trích yếu from standard input, so that it stays out of the shell history.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { completeSecretDocument, findUserIdByCode } from "../core/index.ts";
import { parseDate, parseUrgency } from "../bots/shared/text/index.ts";
import { openCommandContext } from "./context.ts";

export const DOCUMENT_USAGE = `Usage:
  edoc document complete REF --as USER [--subject TEXT|-] [--date DATE] [--type TYPE] [--urgency LEVEL]
                         [--signer NAME] [--signer-title TITLE] [--note TEXT]
      enter the trích yếu and other details of a secret incoming document (REF: M3 or M3/2026),
      which chat does not carry; --subject - reads it from standard input (kept out of the shell history);
      DATE: 20/11/2026 or 2026-11-20; LEVEL: thường, khẩn, thượng khẩn, hỏa tốc`;

const pad = (n: number) => String(n).padStart(2, "0");

/** `edoc document …` */
export const documentCommand = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      as: { type: "string" },
      subject: { type: "string" },
      date: { type: "string" },
      type: { type: "string" },
      urgency: { type: "string" },
      signer: { type: "string" },
      "signer-title": { type: "string" },
      note: { type: "string" },
    },
  });
  const ref = positionals[1];
  if (positionals[0] !== "complete" || !ref || !values.as) {
    console.error(DOCUMENT_USAGE);
    return 2;
  }
  const today = new Date();
  let issuedDate: string | undefined;
  if (values.date !== undefined) {
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(values.date) ? values.date : null;
    const d = iso ? null : parseDate(values.date, { today: { year: today.getFullYear(), month: today.getMonth() + 1, day: today.getDate() } });
    issuedDate = iso ?? (d ? `${d.year}-${pad(d.month)}-${pad(d.day)}` : undefined);
    if (issuedDate === undefined) {
      console.error(`Not a date: "${values.date}" (for example 20/11/2026 or 2026-11-20).\n\n${DOCUMENT_USAGE}`);
      return 2;
    }
  }
  const urgency = values.urgency !== undefined ? parseUrgency(values.urgency) : undefined;
  if (urgency === null) {
    console.error(`Not an urgency level: "${values.urgency}" (thường, khẩn, thượng khẩn, hỏa tốc).\n\n${DOCUMENT_USAGE}`);
    return 2;
  }
  const subject = values.subject === "-" ? readFileSync(0, "utf8").trim() : values.subject;
  const app = await openCommandContext();
  try {
    const actorUserId = await findUserIdByCode(app.deps, values.as);
    const r = await completeSecretDocument(app.deps, {
      actorUserId,
      ref,
      ...(subject !== undefined ? { subject } : {}),
      ...(issuedDate !== undefined ? { issuedDate } : {}),
      ...(values.type !== undefined ? { docType: values.type } : {}),
      ...(urgency !== undefined ? { urgency } : {}),
      ...(values.signer !== undefined ? { signerName: values.signer } : {}),
      ...(values["signer-title"] !== undefined ? { signerTitle: values["signer-title"] } : {}),
      ...(values.note !== undefined ? { description: values.note } : {}),
    });
    console.log(`Secret document ${r.ref}: entered ${r.fields.join(", ")}.`);
    return 0;
  } finally {
    await app.close();
  }
};
