// /help: the commands this person may use, by role (the catalog's bot.help.* sections). Core
// checks every permission again; this only keeps the list honest.
import { hasRole, isAgencyClerk, type Actor, t, type Locale, type MessageKey, isOfficeUser, type OutboundMessage } from "../../../core/index.ts";

/** The catalog sections of /help that apply to an actor, in the order they are shown. */
export const helpSections = (actor: Pick<Actor, "roles" | "unitKind">): MessageKey[] => {
  const sections: MessageKey[] = ["bot.help.intro", "bot.help.everyone"];
  if (hasRole(actor, "UNIT_HEAD", "OFFICER")) sections.push("bot.help.holder");
  if (hasRole(actor, "UNIT_HEAD")) sections.push("bot.help.head");
  if (hasRole(actor, "LEADER")) sections.push("bot.help.leader");
  else if (hasRole(actor, "CLERK")) sections.push("bot.help.clerkDirect");
  if (isAgencyClerk(actor)) sections.push("bot.help.register", "bot.help.interchange");
  if (hasRole(actor, "CLERK")) sections.push("bot.help.issue", "bot.help.recall");
  if (isOfficeUser(actor)) sections.push("bot.help.report");
  sections.push("bot.help.confirm");
  return sections;
};

/** The /help reply for an actor. */
export const helpMessage = (locale: Locale, actor: Pick<Actor, "roles" | "unitKind">): OutboundMessage => ({
  title: t(locale, "bot.help.title"),
  text: helpSections(actor)
    .map((key) => t(locale, key))
    .join("\n"),
});
