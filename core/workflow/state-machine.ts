// The one transition table of the workflow: for assignments, extension requests and documents,
// state × action → next state, and who may take the action. Every use case's compare-and-set reads
// its `from` states here, and every view that offers actions (Telegram buttons, web buttons, Zalo
// reply lines, /xem, /viec) lists them with the `…ActionsFor` functions below, so what a card offers
// is exactly what pressing it can do.
import { hasRole, type Actor } from "../actors/actor.ts";
import { DomainError } from "../errors.ts";
import type { MessageKey } from "../messages/index.ts";
import type { AssignmentRole, AssignmentStatus, DocumentStatus, ExtensionStatus, InterchangePackageState, Secrecy } from "../store/generated/enums.ts";

// === Assignments

/** An assignment is open (chờ nhận, đã nhận, đang xử lý) until it is completed, returned or cancelled. */
export const OPEN_STATUSES: AssignmentStatus[] = ["ASSIGNED", "ACKNOWLEDGED", "IN_PROGRESS"];
export const isOpenStatus = (status: AssignmentStatus): boolean => OPEN_STATUSES.includes(status);

/** What a person can do to an assignment, in the order the channels show them. */
export const ASSIGNMENT_ACTIONS = ["ack", "delegate", "progress", "complete", "return", "extend"] as const;
export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

/**
 * Who may take an action:
 * - `holder`: the unit's heads; for a delegation, the officer too (the heads stay answerable);
 * - `unitHead`: a head of the assignment's unit, on the unit's own (top-level) assignment only.
 */
export type AssignmentWho = "holder" | "unitHead";

export type AssignmentTransition = {
  from: readonly AssignmentStatus[];
  /** The state after the action; `null` leaves it as it is (an extension request is a side record). */
  to: AssignmentStatus | null;
  who: AssignmentWho;
  /** A for-information assignment (nhận để biết) only ever needs acknowledging. */
  onInfo: boolean;
  /** Needs a deadline in force and no request already waiting (xin gia hạn). */
  extension?: true;
};

export const ASSIGNMENT_TRANSITIONS: { readonly [A in AssignmentAction]: AssignmentTransition } = {
  ack: { from: ["ASSIGNED"], to: "ACKNOWLEDGED", who: "holder", onInfo: true },
  delegate: { from: OPEN_STATUSES, to: "IN_PROGRESS", who: "unitHead", onInfo: false },
  progress: { from: OPEN_STATUSES, to: "IN_PROGRESS", who: "holder", onInfo: false },
  complete: { from: OPEN_STATUSES, to: "COMPLETED", who: "holder", onInfo: false },
  return: { from: ["ASSIGNED", "ACKNOWLEDGED"], to: "RETURNED", who: "unitHead", onInfo: false },
  extend: { from: OPEN_STATUSES, to: null, who: "unitHead", onInfo: false, extension: true },
};

/** A new directive on the document cancels the open assignments of the one it supersedes. */
export const SUPERSEDE_TRANSITION = { from: OPEN_STATUSES, to: "CANCELLED" } as const;

/**
 * Delegated work closes with its parent: when the unit's assignment is returned, completed (by its
 * head, while an officer's delegation under it is still open) or cancelled, the officers' open
 * delegations under it are CANCELLED. Not a person's action. A return or a completion closes them in
 * core/assignments/close-delegated-work.ts; a cancellation (SUPERSEDE_TRANSITION) cancels every
 * open assignment of the superseded directive, delegations included (they share the directive).
 * A return is allowed only before work starts and delegating starts it, so today a returned
 * assignment has no open delegation; the rule holds whatever the table comes to allow.
 */
export const DELEGATION_CLOSE_TRANSITION = { parentTo: ["RETURNED", "COMPLETED", "CANCELLED"], from: OPEN_STATUSES, to: "CANCELLED" } as const satisfies {
  parentTo: readonly AssignmentStatus[];
  from: readonly AssignmentStatus[];
  to: AssignmentStatus;
};

/** Why a cancelled assignment closed: with its unit's assignment (returned, completed), or replaced by a new directive. */
export type CancelReason = "RETURNED" | "COMPLETED" | "SUPERSEDED";

/**
 * Why a CANCELLED assignment was cancelled, derived from its parent's state (no field records it):
 * a delegation whose unit's assignment was returned or completed closed with it
 * (DELEGATION_CLOSE_TRANSITION); anything else cancelled was replaced by a new directive (a
 * superseded directive cancels only open assignments, so a returned or completed parent keeps its
 * state and its delegations were closed with it, before). One caveat: a delegation left open under
 * a completed parent before completions closed delegations (data older than that rule) and later
 * cancelled by a new directive reads as "completed".
 */
export const cancelReasonOf = (parentStatus: AssignmentStatus | null | undefined): CancelReason =>
  parentStatus === "RETURNED" || parentStatus === "COMPLETED" ? parentStatus : "SUPERSEDED";

/** The facts about an assignment that decide what may be done with it. */
export type AssignmentFacts = {
  unitId: string;
  parentId: string | null;
  assigneeUserId: string | null;
  status: AssignmentStatus;
  role: AssignmentRole;
  dueAt: Date | null;
  /** An extension request is waiting for the leader. @defaultValue false */
  hasPendingExtension?: boolean;
  /** A delegation's parent (the unit's assignment), to tell why a closed delegation closed. */
  parent?: { status: AssignmentStatus } | null;
};

type ActorFacts = Pick<Actor, "id" | "unitId" | "roles">;

const isUnitHead = (actor: ActorFacts, a: Pick<AssignmentFacts, "unitId">): boolean => actor.unitId === a.unitId && hasRole(actor, "UNIT_HEAD");

/** The holder: the unit's heads, and the officer a delegation is for. */
export const isHolder = (actor: ActorFacts, a: Pick<AssignmentFacts, "unitId" | "assigneeUserId">): boolean =>
  isUnitHead(actor, a) || (a.assigneeUserId !== null && a.assigneeUserId === actor.id);

const mayAct = (actor: ActorFacts, a: AssignmentFacts, who: AssignmentWho): boolean => (who === "holder" ? isHolder(actor, a) : a.parentId === null && isUnitHead(actor, a));

/** Why an action is not possible now, or null when it is. */
export type AssignmentRefusal = "forbidden" | "state" | "info" | "noDeadline" | "pendingExtension";

/** Checks one action against the table: the person first, then the state, then the action's own guards. */
export const checkAssignmentAction = (actor: ActorFacts, a: AssignmentFacts, action: AssignmentAction): AssignmentRefusal | null => {
  const rule = ASSIGNMENT_TRANSITIONS[action];
  if (!mayAct(actor, a, rule.who)) return "forbidden";
  if (!rule.from.includes(a.status)) return "state";
  if (a.role === "INFO" && !rule.onInfo) return "info";
  if (rule.extension && a.dueAt === null) return "noDeadline";
  if (rule.extension && a.hasPendingExtension) return "pendingExtension";
  return null;
};

/**
 * The actions `actor` may take on an assignment now, in display order: the ONE list every card,
 * button row, reply hint and use case agrees with.
 *
 * @example assignmentActionsFor(head, { unitId, parentId: null, assigneeUserId: null, status: "ASSIGNED", role: "MAIN", dueAt }) // ["ack", "delegate", "progress", "complete", "return", "extend"]
 */
export const assignmentActionsFor = (actor: ActorFacts, a: AssignmentFacts): AssignmentAction[] =>
  ASSIGNMENT_ACTIONS.filter((action) => checkAssignmentAction(actor, a, action) === null);

const FORBIDDEN_KEY: { [A in AssignmentAction]: MessageKey } = {
  ack: "assignment.notYours",
  delegate: "assignment.onlyHeadDelegates",
  progress: "assignment.notYours",
  complete: "assignment.notYours",
  return: "assignment.onlyHeadReturns",
  extend: "assignment.onlyHeadExtends",
};

/**
 * Explains, from the assignment's status as it is now, why a state change cannot happen. A
 * delegation cancelled because its unit returned or completed the parent says so.
 */
export const conflictFor = (status: AssignmentStatus, ref: string, parentStatus?: AssignmentStatus | null): DomainError => {
  const reason = status === "CANCELLED" ? cancelReasonOf(parentStatus) : null;
  if (reason === "RETURNED" || reason === "COMPLETED") return new DomainError("ASSIGNMENT_CANCELLED", `assignment.delegationClosed.${reason}`, { ref });
  switch (status) {
    case "ACKNOWLEDGED":
    case "IN_PROGRESS":
      return new DomainError("ASSIGNMENT_ALREADY_ACKNOWLEDGED", "assignment.alreadyAcknowledged", { ref });
    case "COMPLETED":
      return new DomainError("ASSIGNMENT_ALREADY_COMPLETED", "assignment.alreadyCompleted", { ref });
    case "RETURNED":
      return new DomainError("ASSIGNMENT_RETURNED", "assignment.returnedAlready", { ref });
    case "CANCELLED":
      return new DomainError("ASSIGNMENT_CANCELLED", "assignment.cancelled", { ref });
    default:
      return new DomainError("ASSIGNMENT_CONFLICT", "assignment.changedMeanwhile", { ref });
  }
};

/** Refuses an action the table does not allow, with the reason a person can act on. */
export const requireAssignmentAction = (actor: ActorFacts, a: AssignmentFacts, action: AssignmentAction, ref: string): void => {
  switch (checkAssignmentAction(actor, a, action)) {
    case null:
      return;
    case "forbidden":
      throw new DomainError("FORBIDDEN", FORBIDDEN_KEY[action]);
    case "state":
      throw conflictFor(a.status, ref, a.parent?.status);
    case "info":
      throw new DomainError("ASSIGNMENT_INFO_ONLY", "assignment.infoOnly", { ref });
    case "noDeadline":
      throw new DomainError("EXTENSION_NO_DEADLINE", "assignment.extensionNoDeadline");
    case "pendingExtension":
      throw new DomainError("EXTENSION_PENDING", "assignment.extensionPending", { ref });
  }
};

/** The states a compare-and-set for `action` may start from (`where: { status: { in: fromStatuses(action) } }`). */
export const fromStatuses = (action: AssignmentAction): AssignmentStatus[] => [...ASSIGNMENT_TRANSITIONS[action].from];

/** Where an assignment stands, as people name it (catalog `state.<key>`, DOMAIN.md terms). */
export type AssignmentStateKey =
  | "ASSIGNED"
  | "ACKNOWLEDGED"
  | "IN_PROGRESS"
  | "COMPLETED_ON_TIME"
  | "COMPLETED_LATE"
  | "RETURNED"
  | "CANCELLED"
  | "CLOSED_UNIT_RETURNED"
  | "CLOSED_UNIT_COMPLETED"
  | "EXTENSION_PENDING";

const CANCELLED_STATE: { [R in CancelReason]: AssignmentStateKey } = { SUPERSEDED: "CANCELLED", RETURNED: "CLOSED_UNIT_RETURNED", COMPLETED: "CLOSED_UNIT_COMPLETED" };

/**
 * The state to show: chờ nhận / đã nhận / đang xử lý / đề nghị gia hạn (an open one with a request
 * waiting) / đã hoàn thành đúng hạn / hoàn thành quá hạn / trả lại / thay bằng chỉ đạo mới; a
 * delegation closed with its unit's assignment says why (đóng vì đơn vị trả lại / đã hoàn thành),
 * from `parent` (see {@link cancelReasonOf}).
 */
export const assignmentStateKey = (a: {
  status: AssignmentStatus;
  dueAt: Date | null;
  completedAt: Date | null;
  hasPendingExtension?: boolean;
  parent?: { status: AssignmentStatus } | null;
}): AssignmentStateKey => {
  if (a.status === "COMPLETED") return a.dueAt !== null && a.completedAt !== null && a.completedAt > a.dueAt ? "COMPLETED_LATE" : "COMPLETED_ON_TIME";
  if (a.status === "CANCELLED") return CANCELLED_STATE[cancelReasonOf(a.parent?.status)];
  if (isOpenStatus(a.status) && a.hasPendingExtension) return "EXTENSION_PENDING";
  return a.status;
};

// === Extension requests (đề nghị gia hạn)

export const EXTENSION_ACTIONS = ["grant", "refuse"] as const;
export type ExtensionAction = (typeof EXTENSION_ACTIONS)[number];

/**
 * A request waits (PENDING) until a leader grants or refuses it, or until its assignment stops
 * being open (returned, completed, cancelled): then it is CLOSED, and its buttons go with it.
 */
export const EXTENSION_TRANSITIONS = {
  grant: { from: ["PENDING"], to: "GRANTED", who: "leader" },
  refuse: { from: ["PENDING"], to: "REFUSED", who: "leader" },
  /** Not a person's action: the assignment closed under the request. */
  close: { from: ["PENDING"], to: "CLOSED", who: "system" },
} as const satisfies Record<ExtensionAction | "close", { from: readonly ExtensionStatus[]; to: ExtensionStatus; who: "leader" | "system" }>;

export type ExtensionFacts = { status: ExtensionStatus; assignmentStatus: AssignmentStatus };

/** Why a decision is not possible now, or null. */
export const checkExtensionAction = (actor: Pick<Actor, "roles">, ext: ExtensionFacts, action: ExtensionAction): "forbidden" | "state" | null => {
  if (!hasRole(actor, "LEADER")) return "forbidden";
  if (!(EXTENSION_TRANSITIONS[action].from as readonly ExtensionStatus[]).includes(ext.status)) return "state";
  if (!isOpenStatus(ext.assignmentStatus)) return "state";
  return null;
};

/**
 * Why a decision on a request cannot be taken, told as the request's current state: decided
 * already, or closed because its assignment was completed, returned or cancelled.
 */
export const extensionStaleError = (ext: ExtensionFacts, ref: string): DomainError => {
  if (ext.status === "GRANTED" || ext.status === "REFUSED") return new DomainError("EXTENSION_ALREADY_DECIDED", `assignment.extensionDecided.${ext.status}`, { ref });
  const why = ext.assignmentStatus === "COMPLETED" || ext.assignmentStatus === "RETURNED" || ext.assignmentStatus === "CANCELLED" ? ext.assignmentStatus : "OTHER";
  return new DomainError("EXTENSION_CLOSED", `assignment.extensionClosed.${why}`, { ref });
};

/** The decisions `actor` may take on an extension request now. */
export const extensionActionsFor = (actor: Pick<Actor, "roles">, ext: ExtensionFacts): ExtensionAction[] =>
  EXTENSION_ACTIONS.filter((action) => checkExtensionAction(actor, ext, action) === null);

// === Documents

export const DOCUMENT_ACTIONS = ["direct"] as const;
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

/** Documents that can still be directed (a later directive supersedes the one in force). */
export const DIRECTABLE_DOCUMENT_STATUSES: readonly DocumentStatus[] = ["REGISTERED", "ASSIGNED", "IN_PROGRESS"];

export const DOCUMENT_TRANSITIONS = {
  direct: { from: DIRECTABLE_DOCUMENT_STATUSES, to: "ASSIGNED", who: "leader" },
  /** The main (chủ trì) assignment was completed. */
  complete: { from: ["ASSIGNED", "IN_PROGRESS"], to: "DONE", who: "system" },
} as const satisfies Record<DocumentAction | "complete", { from: readonly DocumentStatus[]; to: DocumentStatus; who: "leader" | "system" }>;

/** Secret documents (mật, tối mật, tuyệt mật) stay off the system: paper only, never directed here. */
export const isSecret = (secrecy: Secrecy): boolean => secrecy !== "NONE";

/** A document whose scan is never stored or sent: secret, or registered as paper only. */
export const isOffline = (doc: { secrecy: Secrecy; isPaperOnly: boolean }): boolean => doc.isPaperOnly || isSecret(doc.secrecy);

export type DocumentFacts = { direction: "IN" | "OUT"; status: DocumentStatus; secrecy: Secrecy };

/** The actions `actor` may take on a document now (a clerk directs only on a leader's behalf, by text). */
export const documentActionsFor = (actor: Pick<Actor, "roles">, doc: DocumentFacts): DocumentAction[] =>
  hasRole(actor, "LEADER") && doc.direction === "IN" && !isSecret(doc.secrecy) && DOCUMENT_TRANSITIONS.direct.from.includes(doc.status) ? ["direct"] : [];

// === Receiving units of an outgoing document (DocumentRecipient)

export const RECIPIENT_ACTIONS = ["ack"] as const;
export type RecipientAction = (typeof RECIPIENT_ACTIONS)[number];

/** A receiving unit acknowledges an outgoing document once (đã nhận); a paper recipient never online. */
export const recipientActionsFor = (r: { acknowledged: boolean; isPaper: boolean }): RecipientAction[] => (r.acknowledged || r.isPaper ? [] : ["ack"]);

// === Packages from the interchange waiting on the register clerks' card

export const PACKAGE_ACTIONS = ["register", "return"] as const;
export type PackageAction = (typeof PACKAGE_ACTIONS)[number];

export const PACKAGE_TRANSITIONS = {
  register: { from: ["PENDING"], to: "REGISTERED" },
  return: { from: ["PENDING"], to: "RETURNED" },
} as const satisfies Record<PackageAction, { from: readonly InterchangePackageState[]; to: InterchangePackageState }>;

/** What the register clerks' card offers for a package in `state` (Vào sổ, Trả lại while it waits). */
export const packageActionsFor = (state: InterchangePackageState): PackageAction[] =>
  PACKAGE_ACTIONS.filter((action) => (PACKAGE_TRANSITIONS[action].from as readonly InterchangePackageState[]).includes(state));
