// A small JSON → XML writer for the archive metadata (Decree 30 App. VI field names as elements).
// Objects become nested elements, arrays repeat a child element (named by `ITEM_NAMES`), null and
// undefined become empty elements, everything else its text, escaped.
import { escapeXml } from "../text/xml.ts";

/** The element name of an array's items, by the array's element name. */
const ITEM_NAMES: Record<string, string> = { TraceHeaderList: "TraceHeader", To: "Organ", Documents: "Document" };

const element = (name: string, value: unknown, indent: string): string => {
  if (value === null || value === undefined || value === "") return `${indent}<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? "Item";
    if (value.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, `${indent}  `)).join("\n")}\n${indent}</${name}>`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${entries.map(([k, v]) => element(k, v, `${indent}  `)).join("\n")}\n${indent}</${name}>`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
};

/** An XML document with `root` as its root element. */
export const toXmlDocument = (root: string, value: Record<string, unknown>): string => `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, value, "")}\n`;
