// Building channel-neutral replies (OutboundMessage) from catalog keys. Text stays plain: each
// channel escapes it for its own format (Telegram HTML, Zalo plain text).
import { t, type Locale, type MessageKey, type MessageParams, type MessageAction, type OutboundMessage } from "../../core/index.ts";
import type { GrammarError } from "./text/index.ts";

/** A reply made of one catalog message. */
export const reply = (locale: Locale, key: MessageKey, params: MessageParams = {}, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  text: t(locale, key, params),
  ...extra,
});

/** Joins the lines that are set (false/null/undefined/"" are left out). */
export const lines = (...parts: (string | false | null | undefined)[]): string => parts.filter((p): p is string => typeof p === "string" && p !== "").join("\n");

/** One line per grammar error, "Dòng 3: …" (line 0 = the whole message). */
export const grammarErrorLines = (locale: Locale, errors: readonly GrammarError[]): string =>
  lines(
    ...errors.map((e) => {
      const message = t(locale, e.messageKey, { value: e.value });
      return e.line > 0 ? t(locale, "bot.grammar.atLine", { line: e.line, message }) : message;
    }),
  );

/** An action (button / reply command) labelled from the catalog. */
export const action = (locale: Locale, labelKey: MessageKey, command: string, callback: string): MessageAction => ({
  label: t(locale, labelKey),
  command,
  callback,
});
