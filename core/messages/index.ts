// The message catalog: every text a person reads comes from here (Vietnamese default, English second).
// Each area keeps its own part in ./catalog/<area>.ts; this file merges them and checks, at load
// time, that both locales have the same keys.
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
import { ocr } from "./catalog/ocr.ts";
import type { CatalogPart, Locale, MessageParams } from "./types.ts";

export type { CatalogPart, Locale, MessageParams } from "./types.ts";
export { DEFAULT_LOCALE } from "./types.ts";

const PARTS: CatalogPart[] = [calendar, common, intake, link, org, workflow, notify, reminders, bot, queries, files, zalo, outgoing, office, web, webPush, directGuide, state, interchange, interchangeSend, ocr];

const merge = (locale: Locale): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const part of PARTS) {
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

export const hasMessage = (key: string): boolean => key in CATALOG.vi;

/**
 * Renders a message in a locale, filling `{name}` placeholders. An unknown key is a bug: it throws.
 *
 * @example t("vi", "error.notFound", { what: "văn bản D7" })
 */
export const t = (locale: Locale, key: string, params: MessageParams = {}): string => {
  const template = CATALOG[locale][key] ?? CATALOG.vi[key];
  if (template === undefined) throw new Error(`Unknown message key: ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
};
