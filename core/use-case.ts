// Every use case runs through `runUseCase`: input errors become a typed VALIDATION error, and every
// refusal (a DomainError) is appended to the audit log before it reaches the caller.
import { ZodError } from "zod";
import { appendAuditEvent } from "./audit/append-audit-event.ts";
import type { CoreDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";

export type UseCaseContext = {
  /** The action's name in the audit log, e.g. `assignment.acknowledge`. */
  action: string;
  actorUserId?: string | null;
  orgId?: string | null;
  entityType?: string;
  entityId?: string | null;
};

export const runUseCase = async <T>(deps: CoreDeps, ctx: UseCaseContext, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (err) {
    const refusal =
      err instanceof DomainError
        ? err
        : err instanceof ZodError
          ? new DomainError("VALIDATION", "error.validation", { detail: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { cause: err })
          : null;
    if (!refusal) throw err;
    try {
      await deps.prisma.$transaction((tx) =>
        appendAuditEvent(tx, {
          type: "action.refused",
          at: deps.clock.now(),
          orgId: ctx.orgId ?? null,
          actorUserId: ctx.actorUserId ?? null,
          entityType: ctx.entityType ?? "Action",
          entityId: ctx.entityId ?? null,
          data: { action: ctx.action, code: refusal.code, params: refusal.params },
        }),
      );
    } catch (auditErr) {
      // The refusal stands even if auditing it failed (e.g. the database is down); the caller
      // gets the refusal, and the log says which refusal went unaudited.
      deps.logger.error({ action: ctx.action, code: refusal.code, entityId: ctx.entityId ?? null, err: auditErr }, "refusal not audited");
    }
    throw refusal;
  }
};
