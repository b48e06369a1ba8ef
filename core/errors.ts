// Typed errors for expected failures. `throw new Error(...)` is reserved for bugs.
import type { MessageParams } from "./messages/types.ts";

/**
 * An expected failure of a use case: a stable `code` for programs and a `messageKey` of the
 * message catalog for people. Adapters render `messageKey` with `params`; nothing else.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly messageKey: string;
  readonly params: MessageParams;

  constructor(code: string, messageKey: string, params: MessageParams = {}, options?: { cause?: unknown }) {
    super(`${code}: ${messageKey}`, options);
    this.name = "DomainError";
    this.code = code;
    this.messageKey = messageKey;
    this.params = params;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
