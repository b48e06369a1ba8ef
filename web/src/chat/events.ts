// Live messages: the server's event stream (`message`, `update`, `signedOut`), reconnected after
// asking whether the session still stands.
import type { Message } from "../api.ts";
import { api, tr } from "../state.ts";

export type EventHooks = {
  /** The newest message the page has: the stream starts after it. */
  after: () => number;
  onMessage: (m: Message) => void;
  onUpdate: (m: Message) => void;
  signedOut: (notice: string) => void;
  /** The stream is up (true) or lost (false). */
  online: (up: boolean) => void;
};

/** Connects; the returned function closes the stream for good. */
export const connectEvents = ({ after, onMessage, onUpdate, signedOut, online }: EventHooks): (() => void) => {
  let events: EventSource | null = null;
  let reconnect: number | undefined;
  let stopped = false;

  const connect = (): void => {
    if (stopped) return;
    events = api.events(after());
    events.onopen = () => online(true);
    events.addEventListener("message", (e) => onMessage(JSON.parse((e as MessageEvent<string>).data) as Message));
    events.addEventListener("update", (e) => onUpdate(JSON.parse((e as MessageEvent<string>).data) as Message));
    events.addEventListener("signedOut", (e) => signedOut((JSON.parse((e as MessageEvent<string>).data) as { message: string }).message));
    events.onerror = () => {
      online(false);
      if (events?.readyState !== EventSource.CLOSED) return;
      // The stream was refused (signed out?) or the server is gone: ask, then retry.
      events = null;
      api.session().then(
        (s) => (s.signedIn ? (reconnect = window.setTimeout(connect, 3000)) : signedOut(tr("web.signedOut"))),
        () => (reconnect = window.setTimeout(connect, 5000)),
      );
    };
  };
  connect();
  return () => {
    stopped = true;
    events?.close();
    window.clearTimeout(reconnect);
  };
};
