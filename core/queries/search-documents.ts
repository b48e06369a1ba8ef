import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { Direction, DocumentStatus, Secrecy, Urgency } from "../store/generated/enums.ts";
import { foldVietnamese } from "../text/fold.ts";
import { runUseCase } from "../use-case.ts";
import { codeOf, loadQueryContext, shownRef } from "./query-context.ts";
import { visibleDocumentsWhere } from "./visibility.ts";

/** Largest page of results. */
export const MAX_SEARCH_RESULTS = 50;
/** More words than this are ignored (each word is one LIKE). */
const MAX_WORDS = 12;

export const ZSearchDocumentsInput = z.object({
  actorUserId: z.string().min(1),
  query: z.string().max(500),
  /** @defaultValue 10 */
  limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).default(10),
});
export type SearchDocumentsInput = z.input<typeof ZSearchDocumentsInput>;

export type SearchHit = {
  documentId: string;
  ref: string;
  displayRef: string;
  direction: Direction;
  docType: string;
  code: string | null;
  issuer: string | null;
  subject: string;
  arrivalAt: Date | null;
  status: DocumentStatus;
  urgency: Urgency;
  secrecy: Secrecy;
  isPaperOnly: boolean;
};

export type SearchDocumentsResult = {
  /** The words matched, folded (lower case, no diacritics). */
  words: string[];
  hits: SearchHit[];
  /** More documents matched than `limit`. */
  hasMore: boolean;
};

/** LIKE treats % _ and \ specially: escape them so a typed "50%" means the text "50%". */
const escapeLike = (word: string): string => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `/tim words`: the documents this person may see whose ref, subject, issuer, type or số, ký hiệu
 * contain every word, newest first. Matching ignores case and diacritics both ways: "ngan sach" and
 * "ngân sách" find "Ngân sách" (the query is folded like Document.searchText).
 *
 * @example await searchDocuments(deps, { actorUserId, query: "ngan sach 2027" })
 */
export const searchDocuments = (deps: CoreDeps, raw: SearchDocumentsInput): Promise<SearchDocumentsResult> =>
  runUseCase(deps, { action: "query.search", actorUserId: raw.actorUserId }, async () => {
    const input = ZSearchDocumentsInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const words = [...new Set(foldVietnamese(input.query).split(" ").filter((w) => w !== ""))].slice(0, MAX_WORDS);
    if (words.length === 0) throw new DomainError("SEARCH_QUERY_EMPTY", "queries.searchQueryEmpty");
    const ctx = await loadQueryContext(deps, actor);
    const rows = await deps.prisma.document.findMany({
      where: { AND: [visibleDocumentsWhere(actor), ...words.map((w) => ({ searchText: { contains: escapeLike(w) } }))] },
      select: {
        id: true, ref: true, direction: true, docType: true, codeNumber: true, codeNotation: true, issuer: true, subject: true,
        arrivalAt: true, status: true, urgency: true, secrecy: true, isPaperOnly: true,
      },
      orderBy: [{ createdAt: "desc" }, { registerNumber: "desc" }],
      take: input.limit + 1,
    });
    return {
      words,
      hasMore: rows.length > input.limit,
      hits: rows.slice(0, input.limit).map((d) => ({
        documentId: d.id,
        ref: d.ref,
        displayRef: shownRef(ctx, d.ref),
        direction: d.direction,
        docType: d.docType,
        code: codeOf(d),
        issuer: d.issuer,
        subject: d.subject,
        arrivalAt: d.arrivalAt,
        status: d.status,
        urgency: d.urgency,
        secrecy: d.secrecy,
        isPaperOnly: d.isPaperOnly,
      })),
    };
  });
