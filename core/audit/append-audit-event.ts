// Appends to the hash-chained audit log. Each event's hash covers the previous event's hash and
// its own canonical content, so editing, deleting or reordering a row breaks the chain
// (`edoc audit verify` finds where).
import { createHash } from "node:crypto";
import type { Tx } from "../store/tx.ts";
import type { AuditEventType } from "./audit-events.ts";
import { canonicalJson } from "./canonical-json.ts";

/** Advisory lock that serialises appends, so the chain has one order. */
const AUDIT_CHAIN_LOCK_KEY = 72041001;

export const GENESIS_HASH = "0".repeat(64);

/** Transactions that appended at least one event (read by the commit hook in audit-checkpoint.ts). */
const appendedIn = new WeakSet<object>();

/** True when `appendAuditEvent` ran in this transaction client. */
export const appendedAuditEvents = (tx: object): boolean => appendedIn.has(tx);

export type AuditEventInput = {
  type: AuditEventType;
  at: Date;
  orgId?: string | null;
  actorUserId?: string | null;
  entityType: string;
  entityId?: string | null;
  data?: Record<string, unknown>;
};

export type AuditContent = {
  at: Date;
  orgId: string | null;
  actorUserId: string | null;
  type: string;
  entityType: string;
  entityId: string | null;
  data: unknown;
};

export const hashAuditEvent = (prevHash: string, content: AuditContent): string =>
  createHash("sha256")
    .update(prevHash)
    .update("\n")
    .update(
      canonicalJson({
        at: content.at.toISOString(),
        orgId: content.orgId,
        actorUserId: content.actorUserId,
        type: content.type,
        entityType: content.entityType,
        entityId: content.entityId,
        data: content.data,
      }),
    )
    .digest("hex");

/** Appends one event inside the caller's transaction (it commits or rolls back with the change). */
export const appendAuditEvent = async (tx: Tx, input: AuditEventInput): Promise<void> => {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const content: AuditContent = {
    at: input.at,
    orgId: input.orgId ?? null,
    actorUserId: input.actorUserId ?? null,
    type: input.type,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    // Round-trip through JSON so what we hash is what jsonb gives back (no undefined, no Dates).
    data: JSON.parse(JSON.stringify(input.data ?? {})),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.auditEvent.create({
    data: {
      at: content.at,
      orgId: content.orgId,
      actorUserId: content.actorUserId,
      type: content.type,
      entityType: content.entityType,
      entityId: content.entityId,
      data: content.data as object,
      prevHash,
      hash: hashAuditEvent(prevHash, content),
    },
  });
  appendedIn.add(tx);
};
