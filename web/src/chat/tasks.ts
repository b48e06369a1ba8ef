// The tasks panel (beside the conversation; above it on a phone, opened by its toggle): the
// person's open tasks, reloaded shortly after the bot answers.
import type { Task } from "../api.ts";
import { h } from "../dom.ts";
import { api, tr } from "../state.ts";
import { renderTask } from "./render.ts";

export const createTasks = ({ onOpen, onToggle, failed }: { onOpen: (task: Task) => void; onToggle: () => void; failed: (err: unknown) => void }) => {
  let timer: number | undefined;
  const list = h("ul", { class: "tasks" });
  const panelCount = h("span", { class: "count" }, "0");
  const toggleCount = h("span", { class: "count" }, "0");
  const panel = h(
    "aside",
    { class: "tasks-panel", "aria-label": tr("web.tasks.title") },
    h("header", {}, h("h2", {}, tr("web.tasks.title"), " ", panelCount), h("button", { class: "link", onclick: () => void load() }, tr("web.tasks.refresh"))),
    list,
  );
  const toggle = h("button", { class: "tasks-toggle", "aria-expanded": "false", onclick: () => onToggle() }, tr("web.tasks.toggle"), " ", toggleCount);

  const load = async (): Promise<void> => {
    const r = await api.tasks().catch(failed);
    if (!r) return;
    list.replaceChildren(...(r.tasks.length ? r.tasks.map((task) => renderTask(task, onOpen)) : [h("li", { class: "none" }, tr("web.tasks.none"))]));
    for (const c of [panelCount, toggleCount]) c.textContent = String(r.tasks.length);
  };
  const schedule = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(), 400);
  };

  return { panel, toggle, load, schedule, stop: () => window.clearTimeout(timer) };
};
