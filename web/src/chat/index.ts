// The conversation of a signed-in person: the layout, and its parts (history, composer, tasks,
// live events, notifications) wired together. A refusal with 401 goes back to the sign-in card.
import { ApiError, type Message, type Session, type TurnAnswer } from "../api.ts";
import { h } from "../dom.ts";
import { api, root, tr } from "../state.ts";
import { createComposer } from "./composer.ts";
import { connectEvents } from "./events.ts";
import { createHistory } from "./history.ts";
import { createNotifications } from "./notify.ts";
import { createTasks } from "./tasks.ts";

/** Draws the conversation; the returned function stops its timers and its event stream. */
export const showChat = (session: Extract<Session, { signedIn: true }>, signedOut: (notice?: string) => void): (() => void) => {
  document.title = tr("web.title");
  let loadedUpTo = 0;
  let stopped = false;
  let stopEvents: () => void = () => {};

  const banner = h("div", { class: "banner", hidden: true, role: "status" }, tr("web.live.offline"));
  const toast = h("div", { class: "toast", role: "status", hidden: true });
  const showToast = (text: string): void => {
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(Number(toast.dataset.timer));
    toast.dataset.timer = String(window.setTimeout(() => (toast.hidden = true), 4000));
  };

  const failed = (err: unknown): void => {
    if (err instanceof ApiError && err.status === 401) return signedOut(err.message);
    // A refusal told in the conversation (an upload too large) stays there, not in a toast.
    if (err instanceof ApiError && err.answer && err.answer.messages.length > 0) return merge(err.answer);
    showToast(err instanceof ApiError && err.message ? err.message : tr("web.upload.failed"));
  };

  const merge = (answer: TurnAnswer): void => {
    for (const m of [...answer.messages, ...answer.updates]) history.upsert(m);
    if (answer.callbackText) showToast(answer.callbackText);
    history.scrollDown();
    if (answer.messages.some((m) => m.direction === "out")) tasks.schedule();
  };

  const press = async (m: Message, callback: string, button: HTMLButtonElement): Promise<void> => {
    button.disabled = true;
    try {
      merge(await api.press(m.id, callback));
    } catch (err) {
      failed(err);
    } finally {
      button.disabled = false;
    }
  };

  const history = createHistory({ onPress: (m, callback, button) => void press(m, callback, button), failed });
  const composer = createComposer({ maxUploadBytes: session.maxUploadBytes, merge, failed, showToast });
  const tasks = createTasks({
    onOpen: (task) => (toggleTasks(false), void api.send(task.command).then(merge, failed)),
    onToggle: () => toggleTasks(),
    failed,
  });
  const notifications = createNotifications({ pushKey: session.pushPublicKey ?? "", showToast, failed, signedOut });

  const conversation = h("section", { class: "conversation" }, banner, history.element, composer.element, composer.fileInput, composer.drop, toast);
  composer.acceptDrops(conversation);
  const header = h(
    "header",
    { class: "topbar" },
    h("img", { src: "/chat/favicon.svg", alt: "", width: 32, height: 32 }),
    h("div", { class: "who" }, h("strong", {}, tr("web.title")), h("span", {}, [session.user.name, session.user.title, session.user.unitCode].filter(Boolean).join(" · "))),
    tasks.toggle,
    notifications.bell,
    h("button", { class: "link signout", onclick: () => void notifications.forgetHere().finally(() => api.signOut().finally(() => signedOut())) }, tr("web.signOut")),
  );
  const shell = h("div", { class: "shell" }, header, h("div", { class: "body" }, conversation, tasks.panel));
  root.replaceChildren(shell);

  const toggleTasks = (open = !shell.classList.contains("show-tasks")) => {
    shell.classList.toggle("show-tasks", open);
    tasks.toggle.setAttribute("aria-expanded", String(open));
  };

  const live = () =>
    connectEvents({
      after: history.lastSeq,
      online: (up) => (banner.hidden = up),
      onMessage: (m) => {
        const stick = history.nearBottom();
        if (history.upsert(m) && m.direction === "out" && m.seq > loadedUpTo) {
          notifications.notify(m);
          tasks.schedule();
        }
        if (stick || m.direction === "in") history.scrollDown();
      },
      onUpdate: (m) => void history.upsert(m),
      signedOut,
    });

  void (async () => {
    if (!(await history.loadLatest())) return;
    loadedUpTo = history.lastSeq();
    history.scrollDown();
    if (!stopped) stopEvents = live();
    await tasks.load();
  })();
  void notifications.start();
  composer.focus();

  return () => {
    stopped = true;
    stopEvents();
    tasks.stop();
  };
};
