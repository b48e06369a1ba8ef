/** One area's messages: the same keys in Vietnamese (default) and English. */
export type CatalogPart = {
  vi: Record<string, string>;
  en: Record<string, string>;
};

export type Locale = "vi" | "en";

export const DEFAULT_LOCALE: Locale = "vi";

/** Parameters interpolated into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;
