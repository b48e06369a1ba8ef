// Writing the status messages a package's sender gets back (docs/EDXML.md, "Status messages"), in the
// transaction of the change they report; ./status-messages.ts sends them. Light on purpose: the workflow's
// use cases (directive, acknowledgement, completion) import it.
import { t } from "../messages/index.ts";
import type { Tx } from "../store/tx.ts";
import { localDateToUtcMidnight, utcMidnightToLocalDate } from "../time.ts";
import type { EdxmlMessageHeader } from "./edxml-types.ts";

/** A status to queue for the sender of a package. */
export type InterchangeStatusIntent = {
  packageId: string;
  /** The envelope of the package the status answers (its From, Code, PromulgationDate, DocumentId). */
  header: Pick<EdxmlMessageHeader, "from" | "code" | "promulgationInfo" | "documentId">;
  /** Two digits, e.g. `03`. */
  statusCode: string;
  /** Sent as the status's Description (Vietnamese: read by the sender's clerk). */
  description?: string;
};

/**
 * Writes a status row in the caller's transaction; a second one for the same package and code is not
 * written (`<packageId>:<code>`).
 */
export const enqueueInterchangeStatus = async (tx: Tx, now: Date, intent: InterchangeStatusIntent): Promise<void> => {
  const { header } = intent;
  await tx.interchangeStatusMessage.createMany({
    data: [
      {
        dedupeKey: `${intent.packageId}:${intent.statusCode}`,
        packageId: intent.packageId,
        statusCode: intent.statusCode,
        description: intent.description ?? null,
        toOrganId: header.from.organId,
        responseCode: `${header.code.codeNumber}/${header.code.codeNotation}`,
        responseDate: localDateToUtcMidnight(header.promulgationInfo.promulgationDate),
        responseDocumentId: header.documentId ?? null,
        nextAttemptAt: now,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
  });
};

/** The workflow steps the sender hears about: 04 assigned, 05 the main unit at work, 06 done. */
export type InterchangeProgressCode = "04" | "05" | "06";

/**
 * Queues a progress status for the sender of a document that arrived through the interchange (nothing for
 * any other document): in the caller's transaction, once per document and code.
 *
 * @example await enqueueInterchangeProgress(tx, now, { documentId, statusCode: "04", unit: "Phòng Tài chính - Kế hoạch" });
 */
export const enqueueInterchangeProgress = async (tx: Tx, now: Date, p: { documentId: string; statusCode: InterchangeProgressCode; unit?: string }): Promise<void> => {
  const pkg = await tx.interchangePackage.findUnique({
    where: { documentId: p.documentId },
    select: { id: true, state: true, fromOrganId: true, codeNumber: true, codeNotation: true, promulgationDate: true, edxmlDocumentId: true },
  });
  if (!pkg || pkg.state !== "REGISTERED" || pkg.codeNumber === null || pkg.codeNotation === null || pkg.promulgationDate === null) return;
  await enqueueInterchangeStatus(tx, now, {
    packageId: pkg.id,
    header: {
      from: { organId: pkg.fromOrganId },
      code: { codeNumber: pkg.codeNumber, codeNotation: pkg.codeNotation },
      promulgationInfo: { promulgationDate: utcMidnightToLocalDate(pkg.promulgationDate) },
      ...(pkg.edxmlDocumentId ? { documentId: pkg.edxmlDocumentId } : {}),
    },
    statusCode: p.statusCode,
    description: t("vi", `interchange.status.${p.statusCode}`, { unit: p.unit ?? "" }),
  });
};

/**
 * `enqueueInterchangeProgress` as SQL, for a hot path's single statement: the status row of the
 * package of the document `documentId` (an SQL expression over `source`, a relation of the caller's
 * statement: no row there, no status). `description` and `at` are SQL expressions too (parameters).
 *
 * @example interchangeProgressSql("06", { source: "upd", documentId: 'upd."documentId"', description: "$18", at: "$1::timestamp(3)", where: `upd."role" = 'MAIN'` })
 */
export const interchangeProgressSql = (code: InterchangeProgressCode, p: { source: string; documentId: string; description: string; at: string; where?: string }): string =>
  `INSERT INTO "InterchangeStatusMessage" ("id","dedupeKey","packageId","statusCode","description","toOrganId","responseCode","responseDate","responseDocumentId","nextAttemptAt","createdAt")
  SELECT gen_random_uuid()::text, p."id" || ':${code}', p."id", '${code}', ${p.description}, p."fromOrganId", p."codeNumber" || '/' || p."codeNotation", p."promulgationDate", p."edxmlDocumentId", ${p.at}, ${p.at}
  FROM ${p.source} JOIN "InterchangePackage" p ON p."documentId" = ${p.documentId}
  WHERE ${p.where ? `${p.where} AND ` : ""}p."state" = 'REGISTERED' AND p."codeNumber" IS NOT NULL AND p."codeNotation" IS NOT NULL AND p."promulgationDate" IS NOT NULL
  ON CONFLICT ("dedupeKey") DO NOTHING`;

/**
 * Whether a change of `a` is the main unit's acknowledgement, the moment its status 05 goes: the
 * acknowledgement itself, or the one a progress report, a delegation or a completion implies when it
 * takes the unit's main assignment straight from ASSIGNED. Not delegated work, not a coordinating unit,
 * not an assignment acknowledged before (its 05 went then).
 */
export const acknowledgesMain = (a: { status: string; parentId: string | null; role: string }): boolean => a.status === "ASSIGNED" && a.parentId === null && a.role === "MAIN";
