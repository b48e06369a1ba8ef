/**
 * JSON with object keys sorted at every level, so equal values hash equally whatever their key order.
 * Undefined members are left out (as JSON.stringify does). Every stored hash was made with this
 * output: it must never change (test/core/audit/canonical-json.test.ts holds the first version).
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  // Default sort: UTF-16 code units, as `a < b` compares.
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += (out.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(v);
  }
  return out + "}";
};
