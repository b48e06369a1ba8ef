// Every conversation state, as the dispatcher (handle-incoming.ts) tells them apart. Each feature
// owns its state's type; this module sits above them and above conversation.ts, which stores any
// state without knowing its features (so no feature imports what imports it).
import type { TurnContext } from "./context.ts";
import type { AssignmentArgState, DoneReportState } from "./features/assignments.ts";
import type { DirectState, DirectTextState } from "./features/direct.ts";
import type { DirectGuideState } from "./features/direct-guide.ts";
import type { IssueState } from "./features/issue.ts";
import type { RegisterState } from "./features/register.ts";

export type ConversationState = RegisterState | IssueState | DirectState<DirectGuideState> | DirectTextState | DirectGuideState | DoneReportState | AssignmentArgState;

/** The chat's conversation state, if any (the store holds what the features wrote: one of these). */
export const readConversationState = async (ctx: TurnContext): Promise<ConversationState | null> => (await ctx.conversation.get()) as ConversationState | null;
