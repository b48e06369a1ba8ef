// The actor as one joined read selects it (the hot paths' single statement: an acknowledgement, a
// completion): the columns, the row type and the mapping to an `Actor`, in one place.
import { DomainError } from "../errors.ts";
import type { Role, UnitKind } from "../store/generated/enums.ts";
import type { Actor } from "./actor.ts";

/** The actor's columns (for `hotRead`), selected from `"User" u JOIN "Unit" au ON au."id" = u."unitId"`. */
export const ACTOR_COLUMNS = {
  actorId: 'u."id"',
  actorOrgId: 'u."orgId"',
  actorCode: 'u."code"',
  actorName: 'u."name"',
  actorTitle: 'u."title"',
  actorUnitId: 'u."unitId"',
  actorRoles: `array_to_string(u."roles", ',')`,
  actorLocale: 'u."locale"',
  actorActive: 'u."active"',
  actorUnitCode: 'au."code"',
  actorUnitKind: 'au."kind"::text',
} as const;

/** The actor's organisation's time zone and reminder policy (as text), joined as `"Organization" o ON o."id" = u."orgId"`. */
export const ORG_COLUMNS = { orgTimeZone: 'o."timeZone"', orgPolicy: 'o."policy"::text' } as const;

/** What `ACTOR_COLUMNS` gives (roles as text; an array when a driver parses it). */
export type ActorColumns = {
  actorId: string;
  actorOrgId: string;
  actorCode: string;
  actorName: string;
  actorTitle: string | null;
  actorUnitId: string;
  actorRoles: string[] | string;
  actorLocale: string;
  actorActive: boolean;
  actorUnitCode: string;
  actorUnitKind: string;
};

/**
 * The joined row and its actor; ACTOR_UNKNOWN when there is no row or the user is inactive (as `loadActor`).
 *
 * @example const { row: r, actor } = actorOfRow(rows[0]);
 */
export const actorOfRow = <R extends ActorColumns>(r: R | undefined): { row: R; actor: Actor } => {
  if (!r || !r.actorActive) throw new DomainError("ACTOR_UNKNOWN", "error.actorUnknown");
  return { row: r, actor: actorOf(r) };
};

const actorOf = (r: ActorColumns): Actor => {
  return {
    id: r.actorId,
    orgId: r.actorOrgId,
    code: r.actorCode,
    name: r.actorName,
    title: r.actorTitle,
    unitId: r.actorUnitId,
    unitCode: r.actorUnitCode,
    unitKind: r.actorUnitKind as UnitKind,
    roles: (Array.isArray(r.actorRoles) ? r.actorRoles : r.actorRoles === "" ? [] : r.actorRoles.split(",")) as Role[],
    locale: r.actorLocale === "en" ? "en" : "vi",
  };
};
