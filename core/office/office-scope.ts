// Who may use the office's tools (registers, on-time report, case files, archive export) and on
// which organisation they act.
//
// The rule (decided for issue 9):
// - The office's tools belong to the office: MONITOR users (văn phòng) and the agency's clerks
//   (văn thư cơ quan, `isAgencyClerk`). Everyone else (leaders, unit heads, officers, ADMIN, a
//   ward's clerk) is refused with FORBIDDEN; leaders get the figures from the office.
// - Secret documents appear in the registers and the case files as METADATA (they are in the paper
//   registers too), only for viewers who see secret metadata (`seesSecretMetadata`); for the
//   allowed roles today that is always the case, but the check stays here so that a change of the
//   visibility rule carries over.
// - The CLI (`edoc report …`, `edoc archive …`) runs on the server as its operator: it acts as the
//   system ("no actor"), sees everything, and names the organisation by code (or takes the only one).
import type { Actor } from "../actors/actor.ts";
import { hasRole, isAgencyClerk, loadActor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { seesSecretMetadata } from "../queries/visibility.ts";

/** True for the people the office's tools are for: MONITOR users and the agency's clerks. */
export const isOfficeUser = (actor: Pick<Actor, "roles" | "unitKind">): boolean => hasRole(actor, "MONITOR") || isAgencyClerk(actor);

/** Who asks: a person (chat) or the system operator (CLI) naming an organisation. */
export type OfficeViewer = { actorUserId: string } | { orgCode?: string | undefined };

export type OfficeScope = {
  orgId: string;
  orgCode: string;
  orgName: string;
  /** The organisation's time zone. */
  zone: string;
  /** The person acting; null for the system (CLI). */
  actor: Actor | null;
  /** Whether secret documents' metadata is included. */
  includeSecret: boolean;
};

/**
 * Resolves the viewer to an organisation and checks the permission.
 *
 * @throws DomainError FORBIDDEN (not an office user), ORG_NOT_FOUND / ORG_AMBIGUOUS (CLI).
 */
export const resolveOfficeScope = async (deps: Pick<CoreDeps, "prisma">, viewer: OfficeViewer): Promise<OfficeScope> => {
  if ("actorUserId" in viewer) {
    const actor = await loadActor(deps.prisma, viewer.actorUserId);
    if (!isOfficeUser(actor)) throw new DomainError("FORBIDDEN", "office.forbidden");
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { id: true, code: true, name: true, timeZone: true } });
    return { orgId: org.id, orgCode: org.code, orgName: org.name, zone: org.timeZone, actor, includeSecret: seesSecretMetadata(actor) };
  }
  const orgs = await deps.prisma.organization.findMany({
    where: viewer.orgCode ? { code: { equals: viewer.orgCode, mode: "insensitive" } } : {},
    select: { id: true, code: true, name: true, timeZone: true },
    take: 2,
  });
  if (orgs.length === 0) throw new DomainError("ORG_NOT_FOUND", "office.orgNotFound", { org: viewer.orgCode ?? "" });
  if (orgs.length > 1) throw new DomainError("ORG_AMBIGUOUS", "office.orgAmbiguous");
  const org = orgs[0]!;
  return { orgId: org.id, orgCode: org.code, orgName: org.name, zone: org.timeZone, actor: null, includeSecret: true };
};

/** The audit context of an office use case (a refusal is audited with who asked). */
export const viewerActorId = (viewer: OfficeViewer): string | null => ("actorUserId" in viewer ? viewer.actorUserId : null);
