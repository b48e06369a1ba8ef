// Putting back the dấu hỏi that OCR reads as a dấu sắc on blurred photos ("tổng" → "tống", "chuyển"
// → "chuyến", "kiểm" → "kiếm", "tổ chức" → "tố chức": both tesseract.js and the tesseract CLI, see
// BENCHMARKS.md, OCR), with a general Vietnamese word list — Viet74K from the npm package
// @vntk/dictionary (MIT), not derived from any document we read.
//
// The rule, per syllable carrying a sắc: when it already forms a word of the list with its neighbours
// (2–4 syllables), it is left alone; otherwise, when the same syllable with a hỏi does form one, the
// hỏi is put back. A syllable that forms no word either way (a name, a word the list lacks) is kept as
// read. What it cannot mend: a misreading that is itself a word ("cấp tỉnh" read "cấp tính", acute) or
// stands inside one ("chuyển đổi số" read "chuyển đối số": "đối số" is a word).
//
// The list is read once, on first use, by `loadVietnameseWords()` (≈74 k entries, ≈1 MB of text; only
// the ≈65 k entries of two or more syllables are kept): call it only where OCR runs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

/** Multi-syllable words, lower case, NFC, syllables separated by one space. */
export type WordList = { has(phrase: string): boolean };

const SAC = "\u0301";
const HOI = "\u0309";
/** The longest word looked up around a syllable, in syllables. */
const MAX_WORD = 4;

/** The word list made from Viet74K-style text (one entry a line): entries of 2+ syllables, lower case. */
export const wordListOf = (text: string): WordList => {
  const set = new Set<string>();
  for (const raw of text.normalize("NFC").split("\n")) {
    const entry = raw.trim().toLowerCase().replace(/\s+/g, " ");
    if (entry.includes(" ")) set.add(entry);
  }
  return set;
};

let loading: Promise<WordList> | null = null;

/** Viet74K from @vntk/dictionary, read once per process. */
export const loadVietnameseWords = (): Promise<WordList> => {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const path = require.resolve("@vntk/dictionary/data/Viet74K.txt");
    return wordListOf(await readFile(path, "utf8"));
  })().catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
};

/** A syllable: letters only (punctuation around it is kept apart). */
const SYLLABLE = /^(\P{L}*)(\p{L}+)(\P{L}*)$/u;

const withHoi = (syllable: string): string | null => {
  const nfd = syllable.normalize("NFD");
  return nfd.includes(SAC) ? nfd.replace(SAC, HOI).normalize("NFC") : null;
};

/** Whether the syllable at `i` forms a word of the list with its neighbours (no punctuation between). */
const formsWord = (syllables: readonly (string | null)[], i: number, words: WordList): boolean => {
  for (let n = 2; n <= MAX_WORD; n++) {
    for (let start = Math.max(0, i - n + 1); start <= i && start + n <= syllables.length; start++) {
      const run = syllables.slice(start, start + n);
      if (run.every((s) => s !== null) && words.has(run.join(" "))) return true;
    }
  }
  return false;
};

/**
 * `text` with each sắc put back to hỏi where only the hỏi forms a word with the neighbouring
 * syllables. `changed` lists the syllables changed (as read → as put back).
 */
export const restoreHoiTone = (text: string, words: WordList): { text: string; changed: { read: string; restored: string }[] } => {
  const tokens = text.normalize("NFC").split(/(\s+)/);
  // The syllables in order, lower case; null for what is not one (digits, a punctuation mark around a
  // word): no word runs across it. `at[k]` is the index in `syllables` of word token k's syllable.
  const syllables: (string | null)[] = [];
  const at = new Map<number, number>();
  tokens.forEach((t, k) => {
    if (k % 2 === 1 || t === "") return;
    const m = SYLLABLE.exec(t);
    if (!m) return void syllables.push(null);
    if (m[1] !== "") syllables.push(null);
    at.set(k, syllables.length);
    syllables.push(m[2]!.toLowerCase());
    if (m[3] !== "") syllables.push(null);
  });
  const changed: { read: string; restored: string }[] = [];
  for (const [k, i] of at) {
    const lower = syllables[i];
    const hoi = lower && withHoi(lower);
    if (!hoi || formsWord(syllables, i, words)) continue;
    const trial = [...syllables];
    trial[i] = hoi;
    if (!formsWord(trial, i, words)) continue;
    const m = SYLLABLE.exec(tokens[k]!)!;
    const restored = withHoi(m[2]!)!;
    changed.push({ read: m[2]!, restored });
    tokens[k] = `${m[1]}${restored}${m[3]}`;
    syllables[i] = hoi; // the next syllable sees the corrected one
  }
  return { text: tokens.join(""), changed };
};
