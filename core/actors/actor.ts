import { DomainError } from "../errors.ts";
import type { Role } from "../store/generated/enums.ts";
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
  roles: Role[];
  locale: "vi" | "en";
};

export const hasRole = (actor: Pick<Actor, "roles">, ...roles: Role[]): boolean => roles.some((r) => actor.roles.includes(r));

/** Leaders, clerks, the office and admins see every non-secret document. */
export const seesAllDocuments = (actor: Pick<Actor, "roles">): boolean => hasRole(actor, "LEADER", "CLERK", "MONITOR", "ADMIN");

/** Loads an active user as an actor; an unknown or inactive user is refused. */
export const loadActor = async (db: Db | Tx, userId: string): Promise<Actor> => {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, orgId: true, code: true, name: true, title: true, unitId: true, roles: true, locale: true, active: true, unit: { select: { code: true } } },
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
    roles: user.roles,
    locale: user.locale === "en" ? "en" : "vi",
  };
};
