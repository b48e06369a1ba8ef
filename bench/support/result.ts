// What every benchmark returns (bench/stamp.ts is the model): a name and flat numeric metrics, plus
// the comparisons the table prints as value / baseline / ratio (baseline measured in the same run).

/** One "ours vs baseline" line of the table. The ratio is value / baseline. */
export type Comparison = { metric: string; value: number; baseline: number; /** What the baseline is, in a few words. */ baselineIs: string };

export type BenchResult = {
  name: string;
  metrics: Record<string, number>;
  comparisons?: Comparison[];
  /** Metric keys also shown in the table, as plain values (no baseline): counts such as 429s or lost messages. */
  highlights?: string[];
  /** Facts worth printing under the table (e.g. the EXPLAIN verdict, the concurrency used). */
  notes?: string[];
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The value at quantile q (0..1) by nearest rank. */
export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

export const round2 = (n: number): number => Math.round(n * 100) / 100;

export const roundAll = (metrics: Record<string, number>): Record<string, number> => {
  for (const [k, v] of Object.entries(metrics)) metrics[k] = round2(v);
  return metrics;
};

/** Logs progress to stderr so stdout stays the table. */
export const progress = (bench: string, msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${bench}: ${msg}\n`);
};
