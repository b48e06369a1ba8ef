// The read side of the workflow: task lists, overdue lists, documents and assignments by ref,
// search, the paper-delivery list. Every query goes through the one visibility rule (./visibility.ts).
export { visibleDocumentsWhere, seesSecretMetadata, SECRET_METADATA_ROLES } from "./visibility.ts";
export { assignmentActionsFor, ASSIGNMENT_ACTIONS, type AssignmentAction, type AssignmentFacts } from "../workflow/state-machine.ts";
export { ZDocumentRefInput, ZAssignmentRefInput, type DocumentRefInput, type AssignmentRefInput, type RefKind } from "./refs-input.ts";
export {
  listMyTasks,
  ZListMyTasksInput,
  type ListMyTasksInput,
  type ListMyTasksResult,
  type TaskItem,
  type AssignmentTask,
  type DirectTask,
  type ExtensionTask,
} from "./list-my-tasks.ts";
export { listOverdue, ZListOverdueInput, type ListOverdueInput, type ListOverdueResult, type OverdueGroup, type OverdueItem } from "./list-overdue.ts";
export { getDocumentByRef, ZGetDocumentByRefInput, type GetDocumentByRefInput, type DocumentView, type DirectiveView, type AssignmentView } from "./get-document.ts";
export { getAssignmentByRef, resolveAssignmentRef, ZGetAssignmentByRefInput, type GetAssignmentByRefInput, type AssignmentDetail } from "./get-assignment.ts";
export { searchDocuments, ZSearchDocumentsInput, MAX_SEARCH_RESULTS, type SearchDocumentsInput, type SearchDocumentsResult, type SearchHit } from "./search-documents.ts";
export { listPaperDeliveries, ZListPaperDeliveriesInput, type ListPaperDeliveriesInput, type ListPaperDeliveriesResult, type PaperDelivery } from "./list-paper-deliveries.ts";
