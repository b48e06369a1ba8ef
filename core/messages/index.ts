// The message catalog: every text a person reads comes from here (Vietnamese default, English second).
// Each area keeps its own part in ./catalog/<area>.ts; this file merges them and checks, at compile
// time and again at load time, that both locales have the same keys. `MessageKey` is derived from the
// parts below: adding a key to a part's `vi` and `en` objects is all it takes to use it.
import { calendar } from "./catalog/calendar.ts";
import { common } from "./catalog/common.ts";
import { files } from "./catalog/files.ts";
import { intake } from "./catalog/intake.ts";
import { link } from "./catalog/link.ts";
import { org } from "./catalog/org.ts";
import { reminders } from "./catalog/reminders.ts";
import { workflow } from "./catalog/workflow.ts";
import { notify } from "./catalog/notify.ts";
import { bot } from "./catalog/bot.ts";
import { queries } from "./catalog/queries.ts";
import { zalo } from "./catalog/zalo.ts";
import { web } from "./catalog/web.ts";
import { webPush } from "./catalog/web-push.ts";
import { outgoing } from "./catalog/outgoing.ts";
import { office } from "./catalog/office.ts";
import { directGuide } from "./catalog/direct-guide.ts";
import { state } from "./catalog/state.ts";
import { interchange } from "./catalog/interchange.ts";
import { interchangeSend } from "./catalog/interchange-send.ts";
import { interchangeRecall } from "./catalog/interchange-recall.ts";
import { ocr } from "./catalog/ocr.ts";
import type { CatalogPart, Locale, MessageParams } from "./types.ts";

export type { CatalogPart, Locale, MessageParams } from "./types.ts";
export { DEFAULT_LOCALE } from "./types.ts";

const PARTS = [
  calendar,
  common,
  intake,
  link,
  org,
  workflow,
  notify,
  reminders,
  bot,
  queries,
  files,
  zalo,
  outgoing,
  office,
  web,
  webPush,
  directGuide,
  state,
  interchange,
  interchangeSend,
  interchangeRecall,
  ocr,
] as const;

type Part = (typeof PARTS)[number];
/** Keys of one part present in one locale but not in the other (distributes over the parts). */
export type MismatchedKeys<P> = P extends { vi: infer V; en: infer E } ? Exclude<keyof V, keyof E> | Exclude<keyof E, keyof V> : never;
/**
 * Compile-time check that every part's English object has exactly the Vietnamese keys: a missing or
 * extra key fails here with "Type 'true' is not assignable to type '"the.key"'".
 */
const sameKeysInBothLocales: [MismatchedKeys<Part>] extends [never] ? true : MismatchedKeys<Part> = true;
void sameKeysInBothLocales;

/** Every key of the message catalog (the Vietnamese objects' keys): a typo is a type error. */
export type MessageKey = Part extends infer P ? (P extends { vi: infer V } ? keyof V & string : never) : never;

/**
 * The suffixes S for which `${Prefix}${S}` is a message key, e.g. `KeySuffix<"office.archive.trace.">`:
 * type the variable part of a dynamic key with it and the template literal key type-checks.
 */
export type KeySuffix<Prefix extends string> = MessageKey extends infer K ? (K extends `${Prefix}${infer S}` ? S : never) : never;

const merge = (locale: Locale): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const part of PARTS as readonly CatalogPart[]) {
    for (const [key, text] of Object.entries(part[locale])) {
      if (key in out) throw new Error(`Message key defined twice: ${key}`);
      out[key] = text;
    }
  }
  return out;
};

export const CATALOG: Record<Locale, Record<string, string>> = { vi: merge("vi"), en: merge("en") };

/** Keys present in one locale but not the other (empty when the catalog is complete). */
export const missingTranslations = (): string[] => {
  const vi = new Set(Object.keys(CATALOG.vi));
  const en = new Set(Object.keys(CATALOG.en));
  return [...[...vi].filter((k) => !en.has(k)).map((k) => `en:${k}`), ...[...en].filter((k) => !vi.has(k)).map((k) => `vi:${k}`)];
};

/** Narrows a key that comes from outside the code (stored data, a test's scan of the sources). */
export const hasMessage = (key: string): key is MessageKey => key in CATALOG.vi;

/**
 * Renders a message in a locale, filling `{name}` placeholders. An unknown key is a bug: it throws.
 *
 * @example t("vi", "error.notFound", { what: "văn bản D7" })
 */
export const t = (locale: Locale, key: MessageKey, params: MessageParams = {}): string => {
  const template = CATALOG[locale][key] ?? CATALOG.vi[key];
  if (template === undefined) throw new Error(`Unknown message key: ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
};
