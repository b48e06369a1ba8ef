// Sessions in core: browser sessions signed in with a one-time link code, their Web Push
// subscriptions and the history of their messages (what a page reload shows). The web chat is their
// one user today; the conversation itself is bots/shared's, as on every channel.
export { signInWithCode, ZSignInWithCodeInput, type SignInWithCodeInput, type SignInWithCodeResult } from "./sign-in-with-code.ts";
export { authenticateSession, isWebSessionActive, type AuthenticatedSession } from "./authenticate-session.ts";
export { signOut, revokeWebSessions, ZSignOutInput, ZRevokeWebSessionsInput, type SignOutInput, type RevokeWebSessionsInput } from "./sign-out.ts";
export { appendWebMessages, listWebMessages, getWebMessage, setWebMessageActions, WEB_HISTORY_PAGE, type StoredWebMessage, type WebIncomingPayload } from "./web-messages.ts";
export { DEFAULT_WEB_SESSION_POLICY, hashSessionToken, type WebSessionPolicy } from "./session-token.ts";
export {
  saveWebPushSubscription,
  removeWebPushSubscription,
  listWebPushSubscriptions,
  recordWebPushOutcome,
  ZSaveWebPushSubscriptionInput,
  MAX_WEB_PUSH_SUBSCRIPTIONS,
  type SaveWebPushSubscriptionInput,
  type WebPushTarget,
} from "./push-subscriptions.ts";
