// Linking a chat account (DESIGN.md "Linking a chat account"). A chat that is not linked learns
// nothing but how to link: no document, no name, no count.
import { redeemLinkCode, type Locale } from "../../../core/index.ts";
import { reply } from "../render.ts";
import type { ParsedMessage } from "../text/index.ts";
import type { BotEnv, IncomingTurn, TurnResult } from "../types.ts";

/** The link code a message carries: `/link CODE`, `/start CODE` (Telegram deep link), a bare code. */
export const linkCodeOf = (parsed: ParsedMessage | null): string | null | undefined => {
  if (!parsed) return undefined;
  if (parsed.kind === "linkCode") return parsed.code;
  if (parsed.kind === "command" && parsed.name === "link") return parsed.code;
  if (parsed.kind === "command" && parsed.name === "start" && parsed.payload !== "") return parsed.linkCode;
  return undefined;
};

/** Redeems a link code for this chat; errors (wrong, expired, locked) are DomainErrors. */
export const linkChat = async (env: BotEnv, turn: IncomingTurn, code: string, locale: Locale): Promise<TurnResult> => {
  const r = await redeemLinkCode(env.deps, {
    channel: turn.channel,
    externalUserId: turn.externalUserId,
    chatId: turn.chatId,
    ...(turn.displayName ? { displayName: turn.displayName.slice(0, 256) } : {}),
    code,
  });
  env.logger.info({ updateKey: turn.updateKey, identityId: r.identityId, moved: r.moved }, "chat linked");
  return { replies: [reply(locale, "bot.link.done", { name: r.userName })] };
};

/** Everything a stranger can get: linking, or how to link. */
export const onStranger = async (env: BotEnv, turn: IncomingTurn, parsed: ParsedMessage | null): Promise<TurnResult> => {
  const locale: Locale = "vi";
  const code = linkCodeOf(parsed);
  if (typeof code === "string") return linkChat(env, turn, code, locale);
  if (code === null) return { replies: [reply(locale, "bot.link.badCode"), reply(locale, "bot.link.howTo")] };
  const howTo = reply(locale, "bot.link.howTo");
  return turn.callback !== undefined ? { replies: [howTo], callbackText: howTo.text } : { replies: [howTo] };
};
