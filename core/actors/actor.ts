import { DomainError } from "../errors.ts";
import type { Role, UnitKind } from "../store/generated/enums.ts";
import type { Tx } from "../store/tx.ts";
import type { Db } from "../store/client.ts";

/** The person acting, as every use case sees them. */
export type Actor = {
  id: string;
  orgId: string;
  code: string;
  name: string;
  title: string | null;
  unitId: string;
  unitCode: string;
  /** The kind of the person's unit: a CLERK of the OFFICE (or LEADERSHIP) is the agency's văn thư. */
  unitKind: UnitKind;
  roles: Role[];
  locale: "vi" | "en";
};

export const hasRole = (actor: Pick<Actor, "roles">, ...roles: Role[]): boolean => roles.some((r) => actor.roles.includes(r));

/**
 * The agency's clerk (văn thư cơ quan): a CLERK of the office or the leadership. Clerks of other
 * units (a ward's văn thư) work at their unit's level.
 */
export const isAgencyClerk = (actor: Pick<Actor, "roles" | "unitKind">): boolean => hasRole(actor, "CLERK") && (actor.unitKind === "OFFICE" || actor.unitKind === "LEADERSHIP");

/** Leaders, the agency's clerks, the office and admins see every non-secret document. */
export const seesAllDocuments = (actor: Pick<Actor, "roles" | "unitKind">): boolean => hasRole(actor, "LEADER", "MONITOR", "ADMIN") || isAgencyClerk(actor);

/** Loads an active user as an actor; an unknown or inactive user is refused. */
export const loadActor = async (db: Db | Tx, userId: string): Promise<Actor> => {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, orgId: true, code: true, name: true, title: true, unitId: true, roles: true, locale: true, active: true, unit: { select: { code: true, kind: true } } },
  });
  if (!user || !user.active) throw new DomainError("ACTOR_UNKNOWN", "error.actorUnknown");
  return {
    id: user.id,
    orgId: user.orgId,
    code: user.code,
    name: user.name,
    title: user.title,
    unitId: user.unitId,
    unitCode: user.unit.code,
    unitKind: user.unit.kind,
    roles: user.roles,
    locale: user.locale === "en" ? "en" : "vi",
  };
};
