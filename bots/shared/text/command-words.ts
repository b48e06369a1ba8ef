// The words that name a command, and how a message's leading command word is found. Shared by
// commands.ts and the grammars (which accept their message with or without the command line).
import { foldVietnamese } from "./fold.ts";

/** Every text command, by its English name. */
export type CommandName =
  | "tasks"
  | "ack"
  | "done"
  | "progress"
  | "return"
  | "extend"
  | "delegate"
  | "direct"
  | "register"
  | "issue"
  | "overdue"
  | "search"
  | "view"
  | "confirm"
  | "cancel"
  | "edit"
  | "help"
  | "link"
  | "start"
  | "report"
  | "recall";

/**
 * The words of each command, folded (no diacritics, lower-case). The first is the canonical
 * Vietnamese slash command (`/viec`, `/nhan`, …). Multi-word forms match with or without the space
 * ("gia hạn" = "giahan"). People type them with or without diacritics, in any case.
 */
export const COMMAND_WORDS: Readonly<Record<CommandName, readonly string[]>> = {
  tasks: ["viec", "tasks", "cong viec"],
  ack: ["nhan", "ack"],
  done: ["xong", "done", "hoan thanh"],
  progress: ["tiendo", "progress"],
  return: ["tralai", "return"],
  extend: ["giahan", "extend"],
  delegate: ["giao", "delegate"],
  direct: ["chidao", "direct"],
  register: ["dangky", "dangki", "register"],
  issue: ["phathanh", "issue"],
  overdue: ["quahan", "overdue"],
  search: ["tim", "tim kiem", "search", "find"],
  view: ["xem", "view"],
  confirm: ["ok", "dong y", "xac nhan", "confirm"],
  cancel: ["huy", "huy bo", "cancel"],
  edit: ["sua", "edit"],
  help: ["help", "tro giup", "giup", "huong dan"],
  link: ["link", "lien ket"],
  start: ["start"],
  report: ["baocao", "report"],
  recall: ["thuhoi", "thu hoi", "recall"],
};

const BY_WORD: ReadonlyMap<string, CommandName> = (() => {
  const m = new Map<string, CommandName>();
  for (const [name, words] of Object.entries(COMMAND_WORDS) as [CommandName, readonly string[]][]) {
    for (const w of words) m.set(w.replace(/ /g, ""), name);
  }
  return m;
})();

/** The longest command phrase, in words ("gia hạn", "tìm kiếm", "hủy bỏ"). */
const MAX_WORDS = 2;

/** The command word a message starts with. */
export type CommandHead = {
  /** The command, or null for an unknown word after a slash (`/foo`). */
  name: CommandName | null;
  /** The command word as typed, without the slash and the @bot part. */
  word: string;
  /** Whether the message started with "/". */
  isSlash: boolean;
  /** Telegram's `/cmd@BotName` form: the bot's username; null otherwise. */
  botName: string | null;
  /** Everything after the command word, verbatim (the rest of the first line and the following lines). */
  rest: string;
};

const TRAILING_PUNCTUATION = /[.!?,:;]+$/;

/**
 * Finds the command word at the start of a message: with or without a leading slash, in any case,
 * without diacritics, as one or two words ("gia hạn", "giahan"), with Telegram's `@BotName`.
 * Without a slash, returns null unless the first word(s) are a known command word; with a slash,
 * returns `name: null` for an unknown word. Whether a slash-less command really is a command (and
 * not free text starting with "xong…") is decided by commands.ts.
 */
export const readCommandHead = (text: string): CommandHead | null => {
  let pos = /^\s*/.exec(text)?.[0].length ?? 0;
  const isSlash = text[pos] === "/";
  if (isSlash) pos += 1;
  const lineEnd = text.indexOf("\n", pos);
  const line = text.slice(pos, lineEnd === -1 ? text.length : lineEnd);
  const tokens = [...line.matchAll(/\S+/g)].slice(0, MAX_WORDS);
  const first = tokens[0];
  if (!first) return isSlash ? { name: null, word: "", isSlash, botName: null, rest: text.slice(pos) } : null;

  // Telegram's /cmd@BotName: one token, no multi-word form.
  const at = isSlash ? /^([^@\s]+)@([A-Za-z0-9_]+)(.*)$/s.exec(first[0]) : null;
  if (at) {
    const word = at[1]!;
    const name = BY_WORD.get(foldVietnamese(word)) ?? null;
    const end = pos + first.index + word.length + 1 + at[2]!.length;
    return { name, word, isSlash, botName: at[2]!, rest: text.slice(end) };
  }

  for (let k = tokens.length; k >= 1; k--) {
    const used = tokens.slice(0, k);
    const last = used[used.length - 1]!;
    const lastWord = last[0].replace(TRAILING_PUNCTUATION, "");
    if (lastWord === "") continue;
    const phrase = [...used.slice(0, -1).map((t) => t[0]), lastWord].join("");
    const name = BY_WORD.get(foldVietnamese(phrase).replace(/ /g, ""));
    if (name) {
      const end = pos + last.index + lastWord.length;
      return { name, word: text.slice(pos + first.index, end), isSlash, botName: null, rest: text.slice(end) };
    }
  }
  if (!isSlash) return null;
  const word = first[0].replace(TRAILING_PUNCTUATION, "");
  return { name: null, word, isSlash, botName: null, rest: text.slice(pos + first.index + word.length) };
};

/** The command named by a word ("chỉ đạo", "chidao", "direct" → "direct"), or null. */
export const commandByWord = (word: string): CommandName | null => BY_WORD.get(foldVietnamese(word.replace(/^\//, "")).replace(/ /g, "")) ?? null;

/**
 * When `text` starts with the given command (any of its words, slash or not), returns what follows
 * the command word; otherwise returns the whole text. Lets a grammar accept both the full message
 * ("/dangky\nsố: …") and a bare form (a file caption of `keyword: value` lines).
 */
export const bodyAfterCommand = (text: string, name: CommandName): { body: string; hadCommand: boolean } => {
  const head = readCommandHead(text);
  if (head && head.name === name) return { body: head.rest, hadCommand: true };
  return { body: text, hadCommand: false };
};
