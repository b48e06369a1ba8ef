// One message and one task as elements. Text is always set as text (dom.ts), never as HTML.
import type { Message, Task } from "../api.ts";
import { h } from "../dom.ts";
import { icon } from "../icons.ts";
import { tr } from "../state.ts";

const timeOf = (iso: string): string => new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });

/** A message bubble with its files, attachments and buttons; `onPress` runs a button. */
export const renderMessage = (m: Message, onPress: (m: Message, callback: string, button: HTMLButtonElement) => void): HTMLElement => {
  const out = m.direction === "out";
  return h(
    "li",
    { class: `msg ${out ? "bot" : "me"}`, "data-id": m.id, "data-seq": m.seq },
    h(
      "div",
      { class: "bubble" },
      m.title ? h("p", { class: "title" }, m.title) : null,
      m.text ? h("p", { class: "text" }, m.text) : null,
      m.files.length > 0
        ? h(
            "ul",
            { class: "sent-files" },
            m.files.map((f) => h("li", {}, icon("file"), f.name)),
          )
        : null,
      m.attachments.length > 0
        ? h(
            "ul",
            { class: "attachments" },
            m.attachments.map((a) =>
              h(
                "li",
                {},
                h(
                  "a",
                  { href: a.url, target: "_blank", rel: "noopener noreferrer", class: "file" },
                  icon(a.kind === "photo" ? "photo" : "file"),
                  a.name,
                  h("span", { class: "open" }, tr("web.attachment.open")),
                ),
              ),
            ),
          )
        : null,
      h("time", { datetime: m.at }, timeOf(m.at)),
    ),
    m.actions.length > 0
      ? h(
          "div",
          { class: "actions" },
          m.actions.map((a) => h("button", { type: "button", title: a.command, onclick: (e: Event) => onPress(m, a.callback, e.currentTarget as HTMLButtonElement) }, a.label)),
        )
      : null,
  );
};

/** A task of the panel; `onOpen` sends its command. */
export const renderTask = (task: Task, onOpen: (task: Task) => void): HTMLElement =>
  h(
    "li",
    {},
    h(
      "button",
      { class: `task ${task.tone}`, title: task.command, onclick: () => onOpen(task) },
      h("span", { class: "ref" }, task.ref),
      h("span", { class: `badge ${task.tone}` }, task.badge),
      h("span", { class: "subject" }, task.title),
      task.due ? h("span", { class: "due" }, task.due) : null,
    ),
  );
