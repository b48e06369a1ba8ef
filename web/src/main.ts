// The web chat page: sign in with a one-time code, then a messenger-like conversation with the bot
// (buttons, files, live messages), and the person's open tasks beside it (above it on a phone).
// Every text comes from the server's catalog (`web.*` keys), so the page holds no wording of its own.
//
//   state.ts          the API client, the root element, the texts
//   sign-in.ts        the sign-in card
//   chat/index.ts     the conversation: its layout, and the parts below wired together
//   chat/history.ts   the message list (render.ts draws one message or task)
//   chat/composer.ts  text, staged files, upload progress, drag and drop
//   chat/tasks.ts     the tasks panel
//   chat/events.ts    live messages (server-sent events)
//   chat/notify.ts    notifications and Web Push (push.ts: the browser's side)
import "./styles.css";
import type { Session } from "./api.ts";
import { showChat } from "./chat/index.ts";
import { showSignInCard } from "./sign-in.ts";
import { api, root, setTexts } from "./state.ts";

let stopChat: () => void = () => {};

const showSignIn = (notice?: string): void => {
  stopChat();
  stopChat = () => {};
  showSignInCard(notice, start);
};

const start = (s: Session): void => {
  setTexts(s.texts);
  if (s.signedIn) stopChat = showChat(s, showSignIn);
  else showSignIn();
};

api.session().then(start, () => {
  root.textContent = "…";
  window.setTimeout(() => location.reload(), 5000);
});
