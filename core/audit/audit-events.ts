// Audit event types. Changing a type's name changes the meaning of stored, hash-chained rows:
// add new types, never rename old ones.
export const AUDIT_EVENT_TYPES = [
  "org.imported",
  "linkCode.issued",
  "identity.linked",
  "identity.moved",
  "identity.unlinked",
  "identity.unreachable",
  "link.failed",
  "link.locked",
  "document.registered",
  "document.duplicateWarned",
  "directive.issued",
  "directive.superseded",
  "assignment.created",
  "assignment.acknowledged",
  "assignment.delegated",
  "assignment.progressReported",
  "assignment.completed",
  "assignment.returned",
  "assignment.extensionRequested",
  "assignment.extensionGranted",
  "assignment.extensionRefused",
  "assignment.reminderSent",
  "document.done",
  "calendar.imported",
  "action.refused",
  "outbox.failed",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
