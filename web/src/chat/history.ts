// The message list: messages kept in `seq` order, replaced in place when changed, older pages
// loaded on demand.
import type { Message } from "../api.ts";
import { h } from "../dom.ts";
import { api, tr } from "../state.ts";
import { renderMessage } from "./render.ts";

export type History = ReturnType<typeof createHistory>;

export const createHistory = ({ onPress, failed }: { onPress: (m: Message, callback: string, button: HTMLButtonElement) => void; failed: (err: unknown) => void }) => {
  const messages = new Map<string, Message>();
  const nodes = new Map<string, HTMLElement>();
  let lastSeq = 0;

  const list = h("ol", { class: "messages", "aria-label": tr("web.title") });
  const empty = h("p", { class: "empty" }, tr("web.history.empty"));
  const more = h("button", { class: "link more", hidden: true, onclick: () => void loadOlder() }, tr("web.history.more"));
  const scroller = h("div", { class: "scroller" }, more, empty, list);

  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  const scrollDown = () => requestAnimationFrame(() => (scroller.scrollTop = scroller.scrollHeight));

  /** Adds or replaces a message, keeping the list in `seq` order; true when it was new. */
  const upsert = (m: Message): boolean => {
    const known = messages.has(m.id);
    messages.set(m.id, m);
    const node = renderMessage(m, onPress);
    const old = nodes.get(m.id);
    nodes.set(m.id, node);
    if (old) old.replaceWith(node);
    else {
      const after = [...list.children].find((c) => Number((c as HTMLElement).dataset.seq) > m.seq);
      list.insertBefore(node, after ?? null);
    }
    lastSeq = Math.max(lastSeq, m.seq);
    empty.hidden = true;
    return !known;
  };

  const loadOlder = async (): Promise<void> => {
    const first = [...messages.values()].reduce((min, m) => Math.min(min, m.seq), Infinity);
    const page = await api.history(Number.isFinite(first) ? first : undefined).catch(failed);
    if (!page) return;
    const height = scroller.scrollHeight;
    for (const m of page.messages) upsert(m);
    more.hidden = !page.hasMore;
    scroller.scrollTop += scroller.scrollHeight - height;
  };

  /** The newest page; false when it could not be read. */
  const loadLatest = async (): Promise<boolean> => {
    const page = await api.history().catch(failed);
    if (!page) return false;
    for (const m of page.messages) upsert(m);
    more.hidden = !page.hasMore;
    return true;
  };

  return { element: scroller, upsert, nearBottom, scrollDown, loadLatest, lastSeq: () => lastSeq };
};
