// The one place where failures become what a person reads (STYLE.md rule 11): a DomainError shows
// its own message; anything else is a bug or an outage: a generic "try again" and an error log
// carrying the update key (never the message's content).
import { isDomainError, hasMessage, type Locale, type OutboundMessage } from "../../core/index.ts";
import { reply } from "./render.ts";
import type { BotLogger } from "./types.ts";

export type MapErrorContext = { locale: Locale; updateKey: string; logger: BotLogger };

/** The reply for a failure while handling one update. */
export const mapError = (err: unknown, ctx: MapErrorContext): OutboundMessage => {
  if (isDomainError(err) && hasMessage(err.messageKey)) {
    ctx.logger.info({ updateKey: ctx.updateKey, code: err.code }, "request refused");
    return reply(ctx.locale, err.messageKey, err.params);
  }
  ctx.logger.error({ err, updateKey: ctx.updateKey }, isDomainError(err) ? "domain error without a message" : "update failed");
  return reply(ctx.locale, "error.internal");
};
