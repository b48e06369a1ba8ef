// The sign-in card: a one-time link code (from /lienket in Telegram or Zalo, or an administrator).
import { ApiError, type Session } from "./api.ts";
import { h } from "./dom.ts";
import { api, root, tr } from "./state.ts";

/** Draws the card; `onSignedIn` gets the session a right code opened. */
export const showSignInCard = (notice: string | undefined, onSignedIn: (s: Session) => void): void => {
  document.title = tr("web.title");
  const input = h("input", {
    id: "code",
    name: "code",
    autocomplete: "one-time-code",
    autocapitalize: "characters",
    spellcheck: "false",
    placeholder: tr("web.signIn.codePlaceholder"),
    required: true,
    maxlength: 20,
  });
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
          (s) => onSignedIn(s),
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
