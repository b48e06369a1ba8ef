// The composer: the text box, files staged before sending (PDF or photos, within the upload
// limit), the upload's progress, drag and drop onto the conversation.
import type { TurnAnswer } from "../api.ts";
import { h } from "../dom.ts";
import { icon } from "../icons.ts";
import { api, tr } from "../state.ts";

const isPdfOrPhoto = (f: File): boolean => f.type === "application/pdf" || /\.pdf$/i.test(f.name) || f.type.startsWith("image/");

export type ComposerHooks = {
  maxUploadBytes: number;
  /** What the server answered a message. */
  merge: (answer: TurnAnswer) => void;
  failed: (err: unknown) => void;
  showToast: (text: string) => void;
};

export const createComposer = ({ maxUploadBytes, merge, failed, showToast }: ComposerHooks) => {
  let staged: File[] = [];

  const progress = h("progress", { max: 100, value: 0 });
  const progressRow = h("div", { class: "progress", hidden: true }, progress, h("span", {}));
  const chips = h("ul", { class: "chips" });
  const fileInput = h("input", { type: "file", accept: "application/pdf,image/*", multiple: true, hidden: true, "data-testid": "file-input" });
  const textarea = h("textarea", { rows: 1, placeholder: tr("web.composer.placeholder"), "aria-label": tr("web.composer.placeholder"), enterkeyhint: "send" });
  const sendButton = h("button", { type: "submit", class: "primary send", "aria-label": tr("web.composer.send") }, tr("web.composer.send"));
  const attachButton = h(
    "button",
    { type: "button", class: "icon attach", title: tr("web.composer.attach"), "aria-label": tr("web.composer.attach"), onclick: () => fileInput.click() },
    icon("attach"),
  );
  const form = h("form", { class: "composer", onsubmit: (e: Event) => (e.preventDefault(), void submit()) }, attachButton, textarea, sendButton);
  const drop = h("div", { class: "dropzone", hidden: true }, tr("web.composer.drop"));

  const autosize = () => {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, 180)}px`;
  };

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

  const stage = (files: File[]): void => {
    for (const f of files) {
      if (!isPdfOrPhoto(f)) {
        showToast(tr("web.upload.wrongType", { name: f.name }));
        continue;
      }
      staged.push(f);
    }
    const total = staged.reduce((n, f) => n + f.size, 0);
    if (total > maxUploadBytes) {
      showToast(tr("web.upload.tooLarge", { maxMb: Math.round(maxUploadBytes / 1048576) }));
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
          h(
            "button",
            { type: "button", class: "icon", "aria-label": tr("web.composer.remove"), title: tr("web.composer.remove"), onclick: () => (staged.splice(i, 1), renderChips()) },
            icon("close"),
          ),
        ),
      ),
    );
  };

  fileInput.addEventListener("change", () => {
    stage([...(fileInput.files ?? [])]);
    fileInput.value = "";
  });
  textarea.addEventListener("input", autosize);
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });

  /** Files dropped anywhere on `area` are staged. */
  const acceptDrops = (area: HTMLElement): void => {
    let dragDepth = 0;
    area.addEventListener("dragenter", (e) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      dragDepth++;
      drop.hidden = false;
    });
    area.addEventListener("dragleave", () => {
      if (--dragDepth <= 0) ((dragDepth = 0), (drop.hidden = true));
    });
    area.addEventListener("dragover", (e) => e.preventDefault());
    area.addEventListener("drop", (e) => {
      e.preventDefault();
      dragDepth = 0;
      drop.hidden = true;
      stage([...(e.dataTransfer?.files ?? [])]);
    });
  };

  return {
    /** Staged files, the progress bar and the form, under the messages. */
    element: h("div", { class: "compose-area" }, chips, progressRow, form),
    fileInput,
    drop,
    acceptDrops,
    focus: () => textarea.focus(),
  };
};
