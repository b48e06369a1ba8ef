// The organisation's active units, for pickers (the leader's guided directive on the bots): code,
// full name, kind and whether the unit has an account (no account = served on paper).
import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { UnitKind } from "../store/generated/enums.ts";
import { runUseCase } from "../use-case.ts";

export const ZListUnitsInput = z.object({ actorUserId: z.string().min(1) });
export type ListUnitsInput = z.input<typeof ZListUnitsInput>;

export type UnitListItem = {
  code: string;
  /** The full name, as directives and cards print it. */
  name: string;
  kind: UnitKind;
  /** false: the unit is served on paper (listed for the office). */
  hasAccount: boolean;
};

export type ListUnitsResult = { units: UnitListItem[] };

/** The order of kinds in a list: leadership, office, departments, wards, communes, others. */
const KIND_ORDER: Record<UnitKind, number> = { LEADERSHIP: 0, OFFICE: 1, DEPARTMENT: 2, WARD: 3, COMMUNE: 4, OTHER: 5 };

// Sorted here, not in SQL: the database's collation differs between PGlite and a PostgreSQL
// server, and Vietnamese names must sort the same everywhere.
const BY_NAME = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

/**
 * The active units of the actor's organisation, ordered by kind (leadership, office, departments,
 * wards, communes, others), then by name in Vietnamese order. Unit names and codes are not secret
 * inside the organisation: any active user may list them.
 *
 * @example const { units } = await listUnits(deps, { actorUserId }); // [{ code: "LD", name: "Lãnh đạo UBND thành phố", kind: "LEADERSHIP", hasAccount: true }, …]
 */
export const listUnits = (deps: CoreDeps, raw: ListUnitsInput): Promise<ListUnitsResult> =>
  runUseCase(deps, { action: "query.units", actorUserId: raw.actorUserId, entityType: "Unit" }, async () => {
    const input = ZListUnitsInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const rows = await deps.prisma.unit.findMany({
      where: { orgId: actor.orgId, active: true },
      select: { code: true, name: true, kind: true, hasAccount: true },
    });
    const units = rows.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || BY_NAME.compare(a.name, b.name) || a.code.localeCompare(b.code));
    return { units };
  });
