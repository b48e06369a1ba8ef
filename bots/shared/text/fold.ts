// Diacritic folding: how the text grammar matches Vietnamese keywords and commands whatever way a
// person typed them ("Độ khẩn", "do khan", "ĐỘ KHẨN", decomposed or precomposed Unicode).
// Folding is for MATCHING only; values that get recorded are always sliced from the original text.

const COMBINING_MARKS = /\p{M}+/gu;

const foldChar = (ch: string): string => ch.normalize("NFD").replace(COMBINING_MARKS, "").toLowerCase().replace(/đ/g, "d");

export { foldVietnamese } from "../../../core/index.ts";

/** A folded string with, for each folded character, the index in the original it came from. */
export type FoldedText = {
  /** Lower-case, without diacritics; whitespace is NOT collapsed. */
  folded: string;
  /** `index[i]` is the original index of `folded[i]`; `index[folded.length]` is `original.length`. */
  index: number[];
};

/**
 * Folds character by character and keeps a map back to the original, so a regular expression can
 * match on the folded text while the matched value is sliced verbatim from the original.
 */
export const foldWithIndex = (original: string): FoldedText => {
  let folded = "";
  const index: number[] = [];
  let at = 0;
  for (const ch of original) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) index.push(at);
    folded += f;
    at += ch.length;
  }
  index.push(original.length);
  return { folded, index };
};

/** A match of an anchored pattern at the start of a text (after leading whitespace). */
export type PrefixMatch = {
  /** The match on the folded text (groups are folded: lower-case, no diacritics). */
  match: RegExpExecArray;
  /** Original index where the match starts. */
  start: number;
  /** Original index just after the match. */
  end: number;
  /** The original text of group `n` (verbatim), or undefined when the group did not take part. */
  group: (n: number) => string | undefined;
};

/**
 * Matches `pattern` (which must start with `^` and be compiled with the `d` flag) against the
 * folded form of `text` after its leading whitespace.
 */
export const matchFoldedPrefix = (text: string, pattern: RegExp): PrefixMatch | null => {
  const lead = /^\s*/.exec(text)?.[0].length ?? 0;
  const source = text.slice(lead);
  const { folded, index } = foldWithIndex(source);
  const match = pattern.exec(folded);
  if (!match) return null;
  const toOriginal = (i: number): number => lead + (index[i] ?? source.length);
  const group = (n: number): string | undefined => {
    const span = match.indices?.[n];
    if (!span) return undefined;
    return text.slice(toOriginal(span[0]), toOriginal(span[1]));
  };
  return { match, start: toOriginal(match.index), end: toOriginal(match.index + match[0].length), group };
};
