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
  /**
   * When a word was found only in the text read from the document's file (not in its ref, subject,
   * issuer, type or số, ký hiệu): the line where it was, shortened around it. Never for a secret
   * document (its text is never stored).
   */
  snippet: string | null;
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

/** Longest snippet shown, in characters. */
const SNIPPET_CHARS = 120;

/** The line of `window` around position `at` (code points), spaces collapsed, shortened around the word. */
const snippetAround = (window: string, at: number, length: number, cut: { head: boolean; tail: boolean }): string => {
  const cps = Array.from(window);
  let start = at;
  while (start > 0 && cps[start - 1] !== "\n") start--;
  let end = at + length;
  while (end < cps.length && cps[end] !== "\n") end++;
  let line = cps.slice(start, end);
  // The window itself may cut the line (a line longer than the window): say so.
  let prefix = start === 0 && cut.head ? "…" : "";
  let suffix = end === cps.length && cut.tail ? "…" : "";
  if (line.length > SNIPPET_CHARS) {
    const from = Math.max(0, Math.min(at - start - Math.floor((SNIPPET_CHARS - length) / 2), line.length - SNIPPET_CHARS));
    if (from > 0) prefix = "…";
    if (from + SNIPPET_CHARS < line.length) suffix = "…";
    line = line.slice(from, from + SNIPPET_CHARS);
  }
  return `${prefix}${line.join("").replace(/\s+/gu, " ").trim()}${suffix}`;
};

/** Where `word` (folded) first occurs in the document's stored text: that line, or null. */
const findSnippet = async (deps: CoreDeps, documentId: string, word: string): Promise<string | null> => {
  // Positions in searchText are positions in text (folded character for character), so the window
  // is cut from the original in SQL and only ~250 characters leave the database.
  const length = Array.from(word).length;
  const rows = await deps.prisma.$queryRaw<{ window: string; at: number; head: boolean; tail: boolean }[]>`
    SELECT substr(t."text", t.s, ${length + 200}::int) AS "window", (t.p - t.s)::int AS "at",
           (t.s > 1) AS "head", (char_length(t."text") >= t.s + ${length + 200}::int) AS "tail"
    FROM (SELECT "text", p, greatest(p - 100, 1) AS s
          FROM (SELECT "text", strpos("searchText", ${word}) AS p FROM "DocumentText" WHERE "documentId" = ${documentId}) f) t
    WHERE t.p > 0`;
  const row = rows[0];
  return row ? snippetAround(row.window, row.at, length, row) : null;
};

/**
 * `/tim words`: the documents this person may see whose ref, subject, issuer, type or số, ký hiệu,
 * or the text read from their file (DocumentText), contain every word, newest first. Matching ignores
 * case and diacritics both ways: "ngan sach" and "ngân sách" find "Ngân sách" (the query is folded
 * like Document.searchText). A word found only in the file's text comes with the line it was on.
 *
 * @example await searchDocuments(deps, { actorUserId, query: "ngan sach 2027" })
 */
export const searchDocuments = (deps: CoreDeps, raw: SearchDocumentsInput): Promise<SearchDocumentsResult> =>
  runUseCase(deps, { action: "query.search", actorUserId: raw.actorUserId }, async () => {
    const input = ZSearchDocumentsInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const words = [
      ...new Set(
        foldVietnamese(input.query)
          .split(" ")
          .filter((w) => w !== ""),
      ),
    ].slice(0, MAX_WORDS);
    if (words.length === 0) throw new DomainError("SEARCH_QUERY_EMPTY", "queries.searchQueryEmpty");
    const ctx = await loadQueryContext(deps, actor);
    const rows = await deps.prisma.document.findMany({
      where: {
        AND: [
          visibleDocumentsWhere(actor),
          // Each word in the metadata or in the file's text (never a secret document's: belt and braces,
          // storeDocumentText refuses those). On a PostgreSQL server a pg_trgm GIN index on
          // DocumentText.searchText would serve these LIKEs; PGlite has none loaded, so none is declared.
          ...words.map((w) => ({ OR: [{ searchText: { contains: escapeLike(w) } }, { secrecy: "NONE" as const, bodyText: { is: { searchText: { contains: escapeLike(w) } } } }] })),
        ],
      },
      select: {
        id: true,
        ref: true,
        direction: true,
        docType: true,
        codeNumber: true,
        codeNotation: true,
        issuer: true,
        subject: true,
        arrivalAt: true,
        status: true,
        urgency: true,
        secrecy: true,
        isPaperOnly: true,
        searchText: true,
      },
      orderBy: [{ createdAt: "desc" }, { registerNumber: "desc" }],
      take: input.limit + 1,
    });
    const page = rows.slice(0, input.limit);
    const snippets = new Map<string, string | null>();
    for (const d of page) {
      if (d.secrecy !== "NONE") continue;
      const inTextOnly = words.filter((w) => !d.searchText.includes(w));
      if (inTextOnly.length === 0) continue;
      // The words as a phrase first (the line the person most likely meant), else the first word.
      let snippet = inTextOnly.length > 1 ? await findSnippet(deps, d.id, inTextOnly.join(" ")) : null;
      snippet ??= await findSnippet(deps, d.id, inTextOnly[0]!);
      snippets.set(d.id, snippet);
    }
    return {
      words,
      hasMore: rows.length > input.limit,
      hits: page.map((d) => ({
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
        snippet: snippets.get(d.id) ?? null,
      })),
    };
  });
