// Who may see which document: THE visibility rule of the read side, in one place. Every query in
// core/queries filters documents (and the assignments listed under them) through
// `visibleDocumentsWhere`, so a change of the rule is a change of this file only.
//
// The rule (decisions marked ★ were open questions; see the report of issue "Core workflow", part 4):
// - LEADER, CLERK, MONITOR, ADMIN see every non-secret document of their organisation, with all its
//   assignments and delegations.
// - Secret documents (mật, tối mật, tuyệt mật) have no content on the system, only metadata. ★ That
//   metadata is visible to CLERK, LEADER and MONITOR only (they handle the paper), never to ADMIN
//   (a technical role) and never at unit level.
// - UNIT_HEAD of unit U sees a non-secret document that has an assignment for U (top-level or a
//   delegation inside U), an outgoing document U drafted, and an outgoing document U receives
//   (DocumentRecipient).
// - ★ OFFICER sees only documents with an assignment delegated to them (Assignment.assigneeUserId),
//   not everything their unit received: the unit head decides who in the unit handles what (and a
//   personnel matter sent to the head stays with the head).
// - ★ A CANCELLED assignment (its directive was superseded) no longer makes a document visible at
//   unit level: a document routed to the wrong unit stops being visible there once the leader
//   corrects the directive. COMPLETED and RETURNED assignments keep it visible (the unit worked on
//   it or decided about it).
// - Whoever sees a document sees all its assignments (units, roles, statuses, deadlines) and
//   delegations: the directive names the units anyway, and coordination needs them.
// - A person with several roles sees the union.
import { hasRole, isAgencyClerk, seesAllDocuments, type Actor } from "../actors/actor.ts";
import type { Prisma } from "../store/generated/client.ts";

/** Roles that see the metadata of secret documents (never the content: there is none). */
export const SECRET_METADATA_ROLES = ["CLERK", "LEADER", "MONITOR"] as const;

/** True when the actor sees secret documents' metadata (the agency's clerks, leaders, the office). */
export const seesSecretMetadata = (actor: Pick<Actor, "roles" | "unitKind">): boolean => hasRole(actor, "LEADER", "MONITOR") || isAgencyClerk(actor);

/** Assignment statuses that keep granting unit-level visibility (all but CANCELLED). */
const VISIBLE_ASSIGNMENT = { not: "CANCELLED" } as const;

/**
 * The Prisma `where` for the documents `actor` may see. Combine it with the query's own conditions
 * under `AND` (it sets `OR` itself). A person without a role that grants visibility sees nothing.
 *
 * @example
 * const doc = await deps.prisma.document.findFirst({ where: { AND: [{ ref }, visibleDocumentsWhere(actor)] } });
 * // null: unknown OR not visible; answer both the same way (do not leak existence).
 */
export const visibleDocumentsWhere = (actor: Pick<Actor, "id" | "orgId" | "unitId" | "roles" | "unitKind">): Prisma.DocumentWhereInput => {
  const anyOf: Prisma.DocumentWhereInput[] = [];
  // (Not `{}`: Prisma reads an empty object inside OR as matching nothing.)
  if (seesSecretMetadata(actor)) anyOf.push({ orgId: actor.orgId });
  else if (seesAllDocuments(actor)) anyOf.push({ orgId: actor.orgId, secrecy: "NONE" });
  if (hasRole(actor, "UNIT_HEAD")) {
    anyOf.push({
      secrecy: "NONE",
      OR: [
        { assignments: { some: { unitId: actor.unitId, status: VISIBLE_ASSIGNMENT } } },
        { direction: "OUT", draftingUnitId: actor.unitId },
        { direction: "OUT", recipients: { some: { unitId: actor.unitId } } },
      ],
    });
  }
  // Delegated work is visible to whoever holds it, whatever their roles say.
  anyOf.push({ secrecy: "NONE", assignments: { some: { assigneeUserId: actor.id, status: VISIBLE_ASSIGNMENT } } });
  return { orgId: actor.orgId, OR: anyOf };
};
