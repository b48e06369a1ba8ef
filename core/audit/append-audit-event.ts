// Appends to the hash-chained audit log. Each event's hash covers the previous event's hash and
// its own canonical content, so editing, deleting or reordering a row breaks the chain
// (`edoc audit verify` finds where).
import { hash } from "node:crypto";
import type { Tx } from "../store/tx.ts";
import type { AuditEventType } from "./audit-events.ts";
import { canonicalJson } from "./canonical-json.ts";

/**
 * Advisory lock of the chain: writers take it shared while they insert an event (they do not wait
 * for one another), the linker takes it exclusive, so when it runs no event is in flight and every
 * unlinked event it sees is committed, with no smaller `seq` still to come.
 */
export const AUDIT_CHAIN_LOCK_KEY = 72041001;

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

/** SHA-256 (hex) of the previous hash, a newline and the event's canonical JSON (one-shot `hash`: no Hash object per event). */
export const hashAuditEvent = (prevHash: string, content: AuditContent): string =>
  hash(
    "sha256",
    prevHash +
      "\n" +
      canonicalJson({
        at: content.at.toISOString(),
        orgId: content.orgId,
        actorUserId: content.actorUserId,
        type: content.type,
        entityType: content.entityType,
        entityId: content.entityId,
        data: content.data,
      }),
    "hex",
  );

/** The content of an event as it is stored (and hashed once read back). */
export const auditContentOf = (input: AuditEventInput): AuditContent => ({
  at: input.at,
  orgId: input.orgId ?? null,
  actorUserId: input.actorUserId ?? null,
  type: input.type,
  entityType: input.entityType,
  entityId: input.entityId ?? null,
  // Round-trip through JSON so what is stored is what jsonb gives back (no undefined, no Dates).
  data: JSON.parse(JSON.stringify(input.data ?? {})),
});

/**
 * The SQL that appends one unlinked event: `$1` at (ISO text), `$2` orgId, `$3` actorUserId, `$4`
 * type, `$5` entityType, `$6` entityId, `$7` data (JSON text). `source` names a relation the row is
 * selected from (a CTE of the caller's statement: no row there, no event); the shared lock is
 * taken before the row takes its `seq`.
 */
export const auditInsertSql = (p: (n: number) => string, source?: string): string =>
  `INSERT INTO "AuditEvent" ("at","orgId","actorUserId","type","entityType","entityId","data")
   SELECT ${p(1)}::timestamp(3), ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::jsonb
   FROM (SELECT pg_advisory_xact_lock_shared(${AUDIT_CHAIN_LOCK_KEY})) AS chain_lock${source ? `, ${source}` : ""}`;

/** The parameters of `auditInsertSql` for one event. */
export const auditInsertParams = (content: AuditContent): unknown[] => [
  content.at.toISOString(),
  content.orgId,
  content.actorUserId,
  content.type,
  content.entityType,
  content.entityId,
  JSON.stringify(content.data),
];

/**
 * Appends one event inside the caller's transaction (it commits or rolls back with the change).
 *
 * The event is stored unlinked (prevHash and hash null) under a shared lock, so writers do not
 * wait for one another; `linkAuditChain` (link-audit-chain.ts) links the committed events in `seq`
 * order under the exclusive lock, right after the commit (the commit hook of audit-checkpoint.ts)
 * and before any verification or checkpoint.
 */
export const appendAuditEvent = async (tx: Tx, input: AuditEventInput): Promise<void> => {
  await tx.$executeRawUnsafe(
    auditInsertSql((n) => `$${n}`),
    ...auditInsertParams(auditContentOf(input)),
  );
  appendedIn.add(tx);
};
