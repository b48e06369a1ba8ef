// Kept for older imports: the action contract (verbs, callback codec, the actions a message
// offers) lives in ./actions.ts.
export { ASSIGNMENT_COMMANDS, assignmentMessageActions, documentMessageActions, extensionMessageActions } from "./actions.ts";
