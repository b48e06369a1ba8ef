// Live events of the web chat inside one process: the web sender and the request handlers tell a
// person's open event streams that something changed. A stream that hears "nudge" reads the new
// messages from the database, so streams stay correct even when the message was stored by another
// process (they also poll every few seconds for that case).
import type { StoredWebMessage } from "../../core/index.ts";

export type WebEvent =
  /** New messages were stored for the person: read them. */
  | { type: "nudge" }
  /** A message's buttons changed. */
  | { type: "update"; message: StoredWebMessage };

export type WebEventHub = {
  /** Listens to one person's events; returns the unsubscribe function. */
  subscribe(userId: string, listener: (event: WebEvent) => void): () => void;
  publish(userId: string, event: WebEvent): void;
  /** Open streams of a person (0 = nobody is looking). */
  listeners(userId: string): number;
};

export const createWebEventHub = (): WebEventHub => {
  const byUser = new Map<string, Set<(event: WebEvent) => void>>();
  return {
    subscribe: (userId, listener) => {
      const set = byUser.get(userId) ?? new Set();
      set.add(listener);
      byUser.set(userId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) byUser.delete(userId);
      };
    },
    publish: (userId, event) => {
      for (const listener of [...(byUser.get(userId) ?? [])]) listener(event);
    },
    listeners: (userId) => byUser.get(userId)?.size ?? 0,
  };
};
