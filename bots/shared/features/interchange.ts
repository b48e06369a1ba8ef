// The register clerks' card for a package from the interchange (core/interchange/decide-package.ts): the
// Vào sổ and Trả lại buttons (core/workflow/actions.ts packageMessageActions) and the typed commands the card shows on
// channels without buttons (`/ok LT5`, `/tralai LT5 lý do`). Every press and command goes through the core
// use case, which checks the person is a register clerk and the package still waits.
import { registerInterchangePackage, returnInterchangePackage, type PackageSelector } from "../../../core/interchange/index.ts";
import { DomainError } from "../../../core/index.ts";
import type { TurnContext } from "../context.ts";
import { mapError } from "../map-error.ts";
import { lines, reply } from "../render.ts";
import type { TurnResult } from "../types.ts";

/** A refusal as the answer to a press: a toast and a reply; a card already decided loses its buttons. */
const pressRefused = (ctx: TurnContext, err: unknown): TurnResult => {
  const message = mapError(err, { locale: ctx.locale, updateKey: ctx.turn.updateKey, logger: ctx.env.logger });
  const decided = err instanceof DomainError && err.code === "INTERCHANGE_DECIDED";
  return { replies: [message], callbackText: message.text, ...(decided ? { card: { actions: [] } } : {}) };
};

/** Vào sổ (button or `/ok LT5`): registers the package and says its số đến and the leaders it went to. */
export const onPackageRegister = async (ctx: TurnContext, sel: PackageSelector, pressed: boolean): Promise<TurnResult> => {
  let result;
  try {
    result = await registerInterchangePackage(ctx.env.deps, { actorUserId: ctx.actor.id, package: sel });
  } catch (err) {
    if (pressed) return pressRefused(ctx, err);
    throw err;
  }
  const text = lines(
    reply(ctx.locale, "interchange.card.registered", { ref: result.packageRef, docRef: result.displayRef }).text,
    result.sentTo.length > 0 && reply(ctx.locale, "interchange.card.sentTo", { leaders: result.sentTo.join(", ") }).text,
  );
  return { replies: [{ text }], ...(pressed ? { callbackText: text, card: { actions: [] } } : {}) };
};

/**
 * Trả lại. A press asks for the reason (the typed command carries it); the command returns the package,
 * or asks again when the reason is missing.
 */
export const onPackageReturn = async (ctx: TurnContext, sel: PackageSelector, reason: string, pressed: boolean): Promise<TurnResult> => {
  let result;
  try {
    result = await returnInterchangePackage(ctx.env.deps, { actorUserId: ctx.actor.id, package: sel, reason });
  } catch (err) {
    if (pressed) return pressRefused(ctx, err);
    throw err;
  }
  const message = reply(ctx.locale, "interchange.card.returned", { ref: result.packageRef, reason: result.reason });
  return { replies: [message], ...(pressed ? { callbackText: message.text, card: { actions: [] } } : {}) };
};
