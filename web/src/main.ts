// The web chat page: sign in with a one-time code, then a messenger-like conversation with the bot
// (buttons, files, live messages), and the person's open tasks beside it (above it on a phone).
// Every text comes from the server's catalog (`web.*` keys), so the page holds no wording of its own.
import "./styles.css";
import { ApiError, createApi, type Message, type Session, type Task, type TurnAnswer } from "./api.ts";
import { fill, h } from "./dom.ts";
import { icon } from "./icons.ts";
import { currentSubscription, pushSupported, registerServiceWorker, subscribePush } from "./push.ts";

const api = createApi();
const root = document.getElementById("app")!;
let texts: Record<string, string> = {};
const tr = (key: string, params?: Record<string, string | number>): string => fill(texts[key] ?? key, params);

// === Sign-in

const showSignIn = (notice?: string): void => {
  stopChat();
  document.title = tr("web.title");
  const input = h("input", { id: "code", name: "code", autocomplete: "one-time-code", autocapitalize: "characters", spellcheck: "false", placeholder: tr("web.signIn.codePlaceholder"), required: true, maxlength: 20 });
  const error = h("p", { class: "form-error", role: "alert" }, notice ?? "");
  const button = h("button", { type: "submit", class: "primary" }, tr("web.signIn.submit"));
  const form = h(
    "form",
    {
      class: "signin-card",
      onsubmit: (e: Event) => {
        e.preventDefault();
        button.disabled = true;
        button.textContent = tr("web.signIn.busy");
        error.textContent = "";
        api.signIn(input.value).then(
          (s) => start(s),
          (err: unknown) => {
            error.textContent = err instanceof ApiError ? err.message : tr("web.upload.failed");
            button.disabled = false;
            button.textContent = tr("web.signIn.submit");
            input.select();
          },
        );
      },
    },
    h("div", { class: "brand" }, h("img", { src: "/chat/favicon.svg", alt: "", width: 48, height: 48 }), h("h1", {}, tr("web.title"))),
    h("h2", {}, tr("web.signIn.heading")),
    h("p", { class: "muted" }, tr("web.signIn.intro")),
    h("label", { for: "code" }, tr("web.signIn.codeLabel")),
    input,
    button,
    error,
    h("p", { class: "hint" }, tr("web.signIn.help")),
  );
  root.replaceChildren(h("main", { class: "signin" }, form));
  input.focus();
};

// === The conversation

let stopChat: () => void = () => {};

const isPdfOrPhoto = (f: File): boolean => f.type === "application/pdf" || /\.pdf$/i.test(f.name) || f.type.startsWith("image/");
const timeOf = (iso: string): string => new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });

const showChat = (session: Extract<Session, { signedIn: true }>): void => {
  document.title = tr("web.title");
  const messages = new Map<string, Message>();
  const nodes = new Map<string, HTMLElement>();
  let lastSeq = 0;
  let loadedUpTo = 0;
  let staged: File[] = [];
  let events: EventSource | null = null;
  let reconnect: number | undefined;
  let stopped = false;

  // --- layout
  const list = h("ol", { class: "messages", "aria-label": tr("web.title") });
  const empty = h("p", { class: "empty" }, tr("web.history.empty"));
  const more = h("button", { class: "link more", hidden: true, onclick: () => void loadOlder() }, tr("web.history.more"));
  const scroller = h("div", { class: "scroller" }, more, empty, list);
  const banner = h("div", { class: "banner", hidden: true, role: "status" }, tr("web.live.offline"));
  const toast = h("div", { class: "toast", role: "status", hidden: true });
  const progress = h("progress", { max: 100, value: 0 });
  const progressRow = h("div", { class: "progress", hidden: true }, progress, h("span", {}));
  const chips = h("ul", { class: "chips" });
  const fileInput = h("input", { type: "file", accept: "application/pdf,image/*", multiple: true, hidden: true, "data-testid": "file-input" });
  const textarea = h("textarea", { rows: 1, placeholder: tr("web.composer.placeholder"), "aria-label": tr("web.composer.placeholder"), enterkeyhint: "send" });
  const sendButton = h("button", { type: "submit", class: "primary send", "aria-label": tr("web.composer.send") }, tr("web.composer.send"));
  const attachButton = h("button", { type: "button", class: "icon attach", title: tr("web.composer.attach"), "aria-label": tr("web.composer.attach"), onclick: () => fileInput.click() }, icon("attach"));
  const composer = h("form", { class: "composer", onsubmit: (e: Event) => (e.preventDefault(), void submit()) }, attachButton, textarea, sendButton);
  const drop = h("div", { class: "dropzone", hidden: true }, tr("web.composer.drop"));
  const conversation = h("section", { class: "conversation" }, banner, scroller, h("div", { class: "compose-area" }, chips, progressRow, composer), fileInput, drop, toast);

  const taskList = h("ul", { class: "tasks" });
  const taskCount = h("span", { class: "count" }, "0");
  const tasksPanel = h(
    "aside",
    { class: "tasks-panel", "aria-label": tr("web.tasks.title") },
    h("header", {}, h("h2", {}, tr("web.tasks.title"), " ", taskCount), h("button", { class: "link", onclick: () => void loadTasks() }, tr("web.tasks.refresh"))),
    taskList,
  );
  const tasksToggle = h("button", { class: "tasks-toggle", "aria-expanded": "false", onclick: () => toggleTasks() }, tr("web.tasks.toggle"), " ", h("span", { class: "count" }, "0"));
  const canNotify = "Notification" in window;
  // Web Push when the server has it on and the browser can (service worker + push manager).
  const pushKey = session.pushPublicKey ?? "";
  const canPush = pushKey !== "" && pushSupported();
  let registration: ServiceWorkerRegistration | null = null;
  let pushOn = false;
  const bellLabel = h("span", {}, tr("web.notify.enable"));
  const bell = h("button", { type: "button", class: "notify-toggle", hidden: true, onclick: () => void (pushOn ? turnPushOff() : askNotify()) }, icon("bell"), bellLabel);
  const header = h(
    "header",
    { class: "topbar" },
    h("img", { src: "/chat/favicon.svg", alt: "", width: 32, height: 32 }),
    h("div", { class: "who" }, h("strong", {}, tr("web.title")), h("span", {}, [session.user.name, session.user.title, session.user.unitCode].filter(Boolean).join(" · "))),
    tasksToggle,
    bell,
    h("button", { class: "link signout", onclick: () => void forgetPushHere().finally(() => api.signOut().finally(() => showSignIn())) }, tr("web.signOut")),
  );
  const shell = h("div", { class: "shell" }, header, h("div", { class: "body" }, conversation, tasksPanel));
  root.replaceChildren(shell);

  const toggleTasks = (open = !shell.classList.contains("show-tasks")) => {
    shell.classList.toggle("show-tasks", open);
    tasksToggle.setAttribute("aria-expanded", String(open));
  };

  // --- messages
  const renderMessage = (m: Message): HTMLElement => {
    const out = m.direction === "out";
    return h(
      "li",
      { class: `msg ${out ? "bot" : "me"}`, "data-id": m.id, "data-seq": m.seq },
      h(
        "div",
        { class: "bubble" },
        m.title ? h("p", { class: "title" }, m.title) : null,
        m.text ? h("p", { class: "text" }, m.text) : null,
        m.files.length > 0 ? h("ul", { class: "sent-files" }, m.files.map((f) => h("li", {}, icon("file"), f.name))) : null,
        m.attachments.length > 0
          ? h(
              "ul",
              { class: "attachments" },
              m.attachments.map((a) => h("li", {}, h("a", { href: a.url, target: "_blank", rel: "noopener noreferrer", class: "file" }, icon(a.kind === "photo" ? "photo" : "file"), a.name, h("span", { class: "open" }, tr("web.attachment.open"))))),
            )
          : null,
        h("time", { datetime: m.at }, timeOf(m.at)),
      ),
      m.actions.length > 0 ? h("div", { class: "actions" }, m.actions.map((a) => h("button", { type: "button", title: a.command, onclick: (e: Event) => void press(m, a.callback, e.currentTarget as HTMLButtonElement) }, a.label))) : null,
    );
  };

  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  const scrollDown = () => requestAnimationFrame(() => (scroller.scrollTop = scroller.scrollHeight));

  /** Adds or replaces a message, keeping the list in `seq` order; true when it was new. */
  const upsert = (m: Message): boolean => {
    const known = messages.has(m.id);
    messages.set(m.id, m);
    const node = renderMessage(m);
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

  const merge = (answer: TurnAnswer): void => {
    const stick = true;
    for (const m of [...answer.messages, ...answer.updates]) upsert(m);
    if (answer.callbackText) showToast(answer.callbackText);
    if (stick) scrollDown();
    if (answer.messages.some((m) => m.direction === "out")) scheduleTasks();
  };

  const showToast = (text: string): void => {
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(Number(toast.dataset.timer));
    toast.dataset.timer = String(window.setTimeout(() => (toast.hidden = true), 4000));
  };

  const failed = (err: unknown): void => {
    if (err instanceof ApiError && err.status === 401) return showSignIn(err.message);
    // A refusal told in the conversation (an upload too large) stays there, not in a toast.
    if (err instanceof ApiError && err.answer && err.answer.messages.length > 0) return merge(err.answer);
    showToast(err instanceof ApiError && err.message ? err.message : tr("web.upload.failed"));
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

  // --- sending
  const submit = async (): Promise<void> => {
    const text = textarea.value.trim();
    if (!text && staged.length === 0) return;
    sendButton.disabled = true;
    try {
      if (staged.length > 0) {
        progressRow.hidden = false;
        const label = progressRow.querySelector("span")!;
        const onProgress = (fraction: number) => {
          progress.value = Math.round(fraction * 100);
          label.textContent = tr("web.upload.progress", { percent: Math.round(fraction * 100) });
        };
        onProgress(0);
        merge(await api.upload(text, staged, onProgress));
        staged = [];
        renderChips();
      } else {
        merge(await api.send(text));
      }
      textarea.value = "";
      autosize();
    } catch (err) {
      failed(err);
    } finally {
      progressRow.hidden = true;
      sendButton.disabled = false;
      textarea.focus();
    }
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

  const stage = (files: File[]): void => {
    for (const f of files) {
      if (!isPdfOrPhoto(f)) {
        showToast(tr("web.upload.wrongType", { name: f.name }));
        continue;
      }
      staged.push(f);
    }
    const total = staged.reduce((n, f) => n + f.size, 0);
    if (total > session.maxUploadBytes) {
      showToast(tr("web.upload.tooLarge", { maxMb: Math.round(session.maxUploadBytes / 1048576) }));
      staged = [];
    }
    renderChips();
  };
  const renderChips = (): void => {
    chips.replaceChildren(
      ...staged.map((f, i) =>
        h(
          "li",
          {},
          icon(f.type.startsWith("image/") ? "photo" : "file"),
          `${f.name} · ${(f.size / 1048576).toFixed(1)} MB`,
          h("button", { type: "button", class: "icon", "aria-label": tr("web.composer.remove"), title: tr("web.composer.remove"), onclick: () => (staged.splice(i, 1), renderChips()) }, icon("close")),
        ),
      ),
    );
  };
  fileInput.addEventListener("change", () => {
    stage([...(fileInput.files ?? [])]);
    fileInput.value = "";
  });
  const autosize = () => {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, 180)}px`;
  };
  textarea.addEventListener("input", autosize);
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });
  let dragDepth = 0;
  conversation.addEventListener("dragenter", (e) => {
    if (!e.dataTransfer?.types.includes("Files")) return;
    dragDepth++;
    drop.hidden = false;
  });
  conversation.addEventListener("dragleave", () => {
    if (--dragDepth <= 0) (dragDepth = 0), (drop.hidden = true);
  });
  conversation.addEventListener("dragover", (e) => e.preventDefault());
  conversation.addEventListener("drop", (e) => {
    e.preventDefault();
    dragDepth = 0;
    drop.hidden = true;
    stage([...(e.dataTransfer?.files ?? [])]);
  });

  // --- tasks
  let tasksTimer: number | undefined;
  const scheduleTasks = () => {
    window.clearTimeout(tasksTimer);
    tasksTimer = window.setTimeout(() => void loadTasks(), 400);
  };
  const renderTask = (task: Task): HTMLElement =>
    h(
      "li",
      {},
      h(
        "button",
        { class: `task ${task.tone}`, title: task.command, onclick: () => (toggleTasks(false), void api.send(task.command).then(merge, failed)) },
        h("span", { class: "ref" }, task.ref),
        h("span", { class: `badge ${task.tone}` }, task.badge),
        h("span", { class: "subject" }, task.title),
        task.due ? h("span", { class: "due" }, task.due) : null,
      ),
    );
  const loadTasks = async (): Promise<void> => {
    const r = await api.tasks().catch(failed);
    if (!r) return;
    taskList.replaceChildren(...(r.tasks.length ? r.tasks.map(renderTask) : [h("li", { class: "none" }, tr("web.tasks.none"))]));
    for (const c of shell.querySelectorAll(".count")) c.textContent = String(r.tasks.length);
  };

  // --- live: server-sent events, notifications
  const notify = (m: Message): void => {
    if (!canNotify || Notification.permission !== "granted" || document.visibilityState === "visible") return;
    const n = new Notification(m.title ?? tr("web.bot"), { body: m.text.slice(0, 200), tag: m.id, icon: "/chat/favicon.svg" });
    n.onclick = () => (window.focus(), n.close());
  };
  /** The button says what pressing it does: turn notifications on, or (push on) off. */
  const showBell = (): void => {
    const label = pushOn ? tr("web.push.disable") : tr("web.notify.enable");
    bellLabel.textContent = label;
    bell.title = label;
    bell.hidden = !canNotify || (!canPush && Notification.permission === "granted");
  };
  /** "Bật thông báo": asks for permission (only here, when pressed), then subscribes to Web Push. */
  const askNotify = async (): Promise<void> => {
    const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    if (permission !== "granted") {
      if (permission === "denied") showToast(tr("web.push.denied"));
      return showBell();
    }
    if (!canPush) return showToast(tr("web.notify.on")), showBell();
    bell.disabled = true;
    try {
      registration ??= await registerServiceWorker();
      if (!registration) throw new Error("no service worker");
      const sub = await subscribePush(registration, pushKey);
      await api.pushSubscribe(sub.toJSON());
      pushOn = true;
      showToast(tr("web.notify.on"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return showSignIn(err.message);
      showToast(err instanceof ApiError && err.message ? err.message : tr("web.push.failed"));
    } finally {
      bell.disabled = false;
      showBell();
    }
  };
  const turnPushOff = async (): Promise<void> => {
    bell.disabled = true;
    try {
      const sub = await registration?.pushManager.getSubscription();
      if (sub) {
        await api.pushUnsubscribe(sub.endpoint);
        await sub.unsubscribe();
      }
      pushOn = false;
      showToast(tr("web.push.off"));
    } catch (err) {
      failed(err);
    } finally {
      bell.disabled = false;
      showBell();
    }
  };
  /** On sign-out this browser stops being subscribed (the server drops the session's subscription too). */
  const forgetPushHere = async (): Promise<void> => {
    const sub = await registration?.pushManager.getSubscription().catch(() => null);
    await sub?.unsubscribe().catch(() => false);
  };
  /** At start: registers the worker; a subscription this browser already has is re-sent for this session. */
  const startPush = async (): Promise<void> => {
    if (canPush) {
      registration = await registerServiceWorker();
      const sub = registration && Notification.permission === "granted" ? await currentSubscription(registration, pushKey).catch(() => null) : null;
      if (sub) pushOn = await api.pushSubscribe(sub.toJSON()).then(() => true, () => false);
    }
    showBell();
  };
  const connect = (): void => {
    if (stopped) return;
    events = api.events(lastSeq);
    events.onopen = () => (banner.hidden = true);
    events.addEventListener("message", (e) => {
      const m = JSON.parse((e as MessageEvent<string>).data) as Message;
      const stick = nearBottom();
      if (upsert(m) && m.direction === "out" && m.seq > loadedUpTo) {
        notify(m);
        scheduleTasks();
      }
      if (stick || m.direction === "in") scrollDown();
    });
    events.addEventListener("update", (e) => void upsert(JSON.parse((e as MessageEvent<string>).data) as Message));
    events.addEventListener("signedOut", (e) => showSignIn((JSON.parse((e as MessageEvent<string>).data) as { message: string }).message));
    events.onerror = () => {
      banner.hidden = false;
      if (events?.readyState !== EventSource.CLOSED) return;
      // The stream was refused (signed out?) or the server is gone: ask, then retry.
      events = null;
      api.session().then(
        (s) => (s.signedIn ? (reconnect = window.setTimeout(connect, 3000)) : showSignIn(tr("web.signedOut"))),
        () => (reconnect = window.setTimeout(connect, 5000)),
      );
    };
  };

  stopChat = () => {
    stopped = true;
    events?.close();
    window.clearTimeout(reconnect);
    window.clearTimeout(tasksTimer);
  };

  void (async () => {
    const page = await api.history().catch(failed);
    if (!page) return;
    for (const m of page.messages) upsert(m);
    more.hidden = !page.hasMore;
    loadedUpTo = lastSeq;
    scrollDown();
    connect();
    await loadTasks();
  })();
  void startPush();
  textarea.focus();
};

// === Start

const start = (s: Session): void => {
  texts = s.texts;
  if (s.signedIn) showChat(s);
  else showSignIn();
};

api.session().then(start, () => {
  root.textContent = "…";
  window.setTimeout(() => location.reload(), 5000);
});
