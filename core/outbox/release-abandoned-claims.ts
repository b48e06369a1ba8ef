// A restarted worker gives back the outbox claims its previous life still holds, at once, instead of
// leaving those rows to wait out the whole claim (`claimMs`, 120 s).
//
// A claim's `lockedBy` is `<instance>/<pid>#<nonce>`: `<instance>` names the service on this machine
// and survives restarts (the host name and DATA_DIR, see jobs/runner.ts `serviceInstanceId`), `<pid>`
// the process. Of this instance's claims, those whose process is gone are released: their rows become
// claimable now (a row in flight when its process died may then be sent once more, as after an
// expired claim). Claims of a live process of the same instance (a second jobs process on the
// machine) are left alone.
import type { CoreDeps } from "../deps.ts";

export type ReleaseAbandonedClaimsInput = {
  /** This service instance's id: the part of `lockedBy` before `/<pid>`. */
  instanceId: string;
  /** Whether the process `pid` of this instance is gone (dead, or this very process's earlier life). */
  isGone(pid: number): boolean;
};

/** Expires the claims of this instance's processes that are gone; returns how many rows were released. */
export const releaseAbandonedClaims = async (deps: Pick<CoreDeps, "prisma" | "clock">, input: ReleaseAbandonedClaimsInput): Promise<number> => {
  const now = deps.clock.now();
  const prefix = `${input.instanceId}/`;
  const held = await deps.prisma.outboxMessage.findMany({
    where: { status: "SENDING", lockedBy: { startsWith: prefix }, lockedUntil: { gte: now } },
    select: { id: true, lockedBy: true },
  });
  const abandoned = held.filter((row) => {
    const pid = Number((row.lockedBy ?? "").slice(prefix.length).split(/[/#]/)[0]);
    return Number.isInteger(pid) && pid > 0 && input.isGone(pid);
  });
  if (abandoned.length === 0) return 0;
  // Guarded by the exact claim token: a row claimed again meanwhile is not touched.
  const released = await deps.prisma.outboxMessage.updateMany({
    where: { id: { in: abandoned.map((r) => r.id) }, status: "SENDING", lockedBy: { in: abandoned.map((r) => r.lockedBy as string) } },
    data: { lockedUntil: now },
  });
  return released.count;
};
