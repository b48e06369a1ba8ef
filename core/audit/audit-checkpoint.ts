// Checkpoints of the audit chain's head, kept outside the database.
//
// The hash chain shows an edited, inserted or reordered event, but not a missing tail: delete the
// last events and what is left is still a valid chain. So after the transactions that append events
// commit, the head (its seq and hash, how many events up to it, and when) is signed with a key the
// database does not hold and stored where a lost tail cannot take it along (a file: see
// checkpoint-file-store.ts). `verifyAuditChain` compares the table with it; the office's daily
// digest prints the head, so a copy also exists in people's chats.
//
// A checkpoint only ever moves forward: a table that no longer reaches the stored checkpoint (its
// tail was cut off, or it was replaced) is reported and the checkpoint is kept as the evidence.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "../store/client.ts";
import { appendedAuditEvents } from "./append-audit-event.ts";
import { canonicalJson } from "./canonical-json.ts";
import { linkAuditChain } from "./link-audit-chain.ts";

// === The checkpoint and its signature

/** The chain's head at one moment. `seq` is a decimal string (JSON has no bigint). */
export type AuditCheckpoint = {
  seq: string;
  hash: string;
  /** Events with `seq` up to this one when the checkpoint was taken. */
  count: number;
  /** When the checkpoint was taken (ISO 8601). */
  at: string;
};

export const CHECKPOINT_FORMAT = "edoc-audit-checkpoint/1";

/** Earlier checkpoints kept beside the latest, newest first. */
export const CHECKPOINT_HISTORY = 9;

/** The stored form: the latest checkpoint and a short history, signed together. */
export type SignedCheckpoints = { format: typeof CHECKPOINT_FORMAT; latest: AuditCheckpoint; history: AuditCheckpoint[]; mac: string };

const ZCheckpoint = z.strictObject({
  seq: z.string().regex(/^\d{1,19}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  count: z.number().int().nonnegative(),
  at: z.iso.datetime(),
});
const ZSignedCheckpoints = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  latest: ZCheckpoint,
  history: z.array(ZCheckpoint).max(100),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

const macOf = (secret: string, latest: AuditCheckpoint, history: AuditCheckpoint[]): string =>
  createHmac("sha256", secret)
    .update(canonicalJson({ format: CHECKPOINT_FORMAT, latest, history }))
    .digest("hex");

/** Signs a checkpoint and its history with HMAC-SHA256. */
export const signCheckpoints = (secret: string, latest: AuditCheckpoint, history: AuditCheckpoint[]): SignedCheckpoints => ({
  format: CHECKPOINT_FORMAT,
  latest,
  history,
  mac: macOf(secret, latest, history),
});

/** Why stored checkpoints are not trusted; `noKey`: the key that signed them is gone. */
export type CheckpointProblem = "unreadable" | "malformed" | "signature" | "noKey";

/** What a store found: nothing yet, authentic checkpoints, or something it must not trust. */
export type LoadedCheckpoints = { status: "none" } | { status: "ok"; checkpoints: SignedCheckpoints } | { status: "notAuthentic"; reason: CheckpointProblem };

/** Parses stored text and checks its signature. Anything but an intact, signed file is not authentic. */
export const openSignedCheckpoints = (secret: string, text: string): LoadedCheckpoints => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: "notAuthentic", reason: "unreadable" };
  }
  const parsed = ZSignedCheckpoints.safeParse(json);
  if (!parsed.success) return { status: "notAuthentic", reason: "malformed" };
  const { latest, history, mac } = parsed.data;
  const expected = Buffer.from(macOf(secret, latest, history), "hex");
  if (!timingSafeEqual(expected, Buffer.from(mac, "hex"))) return { status: "notAuthentic", reason: "signature" };
  return { status: "ok", checkpoints: parsed.data };
};

/** Port: where signed checkpoints are kept, outside the database. */
export type AuditCheckpointStore = {
  /** Where they are, for messages (e.g. a file path). */
  location: string;
  load(): Promise<LoadedCheckpoints>;
  /** Signs and replaces what is stored, atomically (a reader sees the old or the new, never half). */
  save(latest: AuditCheckpoint, history: AuditCheckpoint[]): Promise<void>;
};

// === Comparing the table with a checkpoint

export type AuditHead = { seq: bigint; hash: string };

/**
 * The last linked event of the chain, or null when nothing is linked yet. Events appended since the
 * last link (see link-audit-chain.ts) come after it; call `linkAuditChain` first to include them.
 */
export const readAuditHead = async (db: Db): Promise<AuditHead | null> => {
  const head = await db.auditEvent.findFirst({ where: { hash: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  return head === null || head.hash === null ? null : { seq: head.seq, hash: head.hash };
};

/**
 * The table against the checkpoints:
 * - `none`: nothing stored yet (a new installation);
 * - `notAuthentic`: the stored checkpoints are unreadable, malformed or not signed with our key;
 * - `matched`: the event at the checkpoint's seq is there with the recorded hash (with an intact
 *   chain, every event up to it is then the one that was checkpointed);
 * - `missing`: events the checkpoint counted are gone: `missing` of them, after `lastSeq` (the last
 *   event left at or before the checkpoint's seq; null when none is left);
 * - `differs`: the event at the checkpoint's seq is not the one recorded, although as many events
 *   are there (the log was replaced after the checkpoint).
 */
export type CheckpointCheck =
  | { status: "none"; location: string }
  | { status: "notAuthentic"; location: string; reason: CheckpointProblem }
  | { status: "matched"; checkpoint: AuditCheckpoint }
  | { status: "missing"; checkpoint: AuditCheckpoint; missing: number; lastSeq: bigint | null }
  | { status: "differs"; checkpoint: AuditCheckpoint; present: number };

/** The checkpoint that reaches furthest into the chain (normally the latest). */
const furthest = (c: SignedCheckpoints): AuditCheckpoint => [c.latest, ...c.history].reduce((best, cp) => (BigInt(cp.seq) > BigInt(best.seq) ? cp : best));

/** Compares the table with one checkpoint. */
export const checkAgainstCheckpoint = async (db: Db, checkpoint: AuditCheckpoint): Promise<CheckpointCheck> => {
  const seq = BigInt(checkpoint.seq);
  const row = await db.auditEvent.findUnique({ where: { seq }, select: { hash: true } });
  if (row?.hash === checkpoint.hash) return { status: "matched", checkpoint };
  // Seq numbers have gaps (a rolled-back append uses one up), so count, do not subtract.
  const present = await db.auditEvent.count({ where: { seq: { lte: seq } } });
  if (row === null && present < checkpoint.count) {
    const last = await db.auditEvent.findFirst({ where: { seq: { lte: seq } }, orderBy: { seq: "desc" }, select: { seq: true } });
    return { status: "missing", checkpoint, missing: checkpoint.count - present, lastSeq: last?.seq ?? null };
  }
  return { status: "differs", checkpoint, present };
};

/** Compares the table with the furthest stored checkpoint. */
export const checkAuditCheckpoint = async (db: Db, store: AuditCheckpointStore): Promise<CheckpointCheck> => {
  const loaded = await store.load();
  if (loaded.status === "none") return { status: "none", location: store.location };
  if (loaded.status === "notAuthentic") return { status: "notAuthentic", location: store.location, reason: loaded.reason };
  return checkAgainstCheckpoint(db, furthest(loaded.checkpoints));
};

// === Writing checkpoints

export type CheckpointOutcome =
  | { status: "written"; checkpoint: AuditCheckpoint }
  /** The stored checkpoint is the head already, or the log is empty. */
  | { status: "unchanged" | "empty" }
  /** The table does not extend the stored checkpoint (or it is not authentic): it is kept, not replaced. */
  | { status: "refused"; check: Exclude<CheckpointCheck, { status: "none" | "matched" }> }
  | { status: "failed"; error: unknown };

/** Port in CoreDeps: checkpoints the head after commits, coalesced; see `createAuditCheckpointer`. */
export type AuditCheckpointer = {
  store: AuditCheckpointStore;
  /** A transaction that appended events committed: checkpoint soon. Never blocks, never throws. */
  afterCommit(): void;
  /** Checkpoints now (service start and stop), after any write under way. */
  checkpoint(): Promise<CheckpointOutcome>;
  /** Writes what is pending; later commits are ignored. Call before closing the database. */
  close(): Promise<void>;
};

export type AuditCheckpointerOptions = {
  db: Db;
  store: AuditCheckpointStore;
  clock: { now(): Date };
  /** How long after a commit the head is written, gathering the commits of a burst. @defaultValue 200 */
  delayMs?: number;
  /** A refused or failed write (the composition root logs it). Called once per distinct problem. */
  onProblem?: (outcome: Extract<CheckpointOutcome, { status: "refused" | "failed" }>) => void;
};

/**
 * Writes signed checkpoints of the chain's head. `afterCommit()` only marks the head as moved and
 * starts a short timer, so a burst of commits gives one write (or a few); writes run one at a time.
 * A write checks that the table still reaches the stored checkpoint before replacing it.
 *
 * @example
 * const checkpointer = createAuditCheckpointer({ db: prisma, store, clock });
 * const deps = { ...rest, prisma: withAuditCommitHook(prisma, checkpointer.afterCommit), auditCheckpoint: checkpointer };
 */
export const createAuditCheckpointer = ({ db, store, clock, delayMs = 200, onProblem }: AuditCheckpointerOptions): AuditCheckpointer => {
  let queue: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  let closed = false;
  let lastProblem: string | null = null;

  const report = (outcome: CheckpointOutcome): CheckpointOutcome => {
    if (outcome.status !== "refused" && outcome.status !== "failed") {
      lastProblem = null;
      return outcome;
    }
    const key =
      outcome.status === "failed"
        ? `failed:${(outcome.error as { code?: string } | null)?.code ?? String(outcome.error)}`
        : `refused:${outcome.check.status}:${"checkpoint" in outcome.check ? outcome.check.checkpoint.seq : ""}`;
    if (key !== lastProblem) {
      lastProblem = key;
      try {
        onProblem?.(outcome);
      } catch {
        // A logger that throws must not break the writer.
      }
    }
    return outcome;
  };

  const writeOnce = async (): Promise<CheckpointOutcome> => {
    try {
      // Link what was appended since the last run: the checkpoint is taken at the linked head.
      await linkAuditChain(db);
      const loaded = await store.load();
      if (loaded.status === "notAuthentic") return { status: "refused", check: { status: "notAuthentic", location: store.location, reason: loaded.reason } };
      const head = await readAuditHead(db);
      const previous = loaded.status === "ok" ? loaded.checkpoints : null;
      const reach = previous ? furthest(previous) : null;
      if (reach) {
        const check = await checkAgainstCheckpoint(db, reach);
        if (check.status !== "matched") return { status: "refused", check: check as Extract<CheckpointCheck, { status: "missing" | "differs" }> };
        if (head === null || head.seq <= BigInt(reach.seq)) return { status: "unchanged" };
      }
      if (head === null) return { status: "empty" };
      // The events up to the stored checkpoint are the ones it counted (it matched), so count only the new ones.
      const count = reach
        ? reach.count + (await db.auditEvent.count({ where: { seq: { gt: BigInt(reach.seq), lte: head.seq } } }))
        : await db.auditEvent.count({ where: { seq: { lte: head.seq } } });
      const checkpoint: AuditCheckpoint = { seq: head.seq.toString(), hash: head.hash, count, at: clock.now().toISOString() };
      const history = previous ? [previous.latest, ...previous.history].slice(0, CHECKPOINT_HISTORY) : [];
      await store.save(checkpoint, history);
      return { status: "written", checkpoint };
    } catch (error) {
      return { status: "failed", error };
    }
  };

  const enqueue = (): Promise<CheckpointOutcome> => {
    const run = queue.then(writeOnce).then(report);
    queue = run;
    return run;
  };

  return {
    store,
    afterCommit: () => {
      if (closed) return;
      pending = true;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (!pending || closed) return;
        pending = false;
        void enqueue();
      }, delayMs);
      timer.unref?.();
    },
    checkpoint: () => {
      pending = false;
      return enqueue();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending) {
        pending = false;
        await enqueue();
      } else await queue;
    },
  };
};

// === The commit hook

/**
 * The database client with `$transaction` hooked: when an interactive transaction that appended
 * audit events has committed, `afterCommit` is called. Every writer of the audit log (use cases,
 * refusals, jobs, the CLI) goes through `deps.prisma.$transaction`, so this one place catches them
 * all. The transaction's result and errors are passed through untouched.
 */
export const withAuditCommitHook = (prisma: Db, afterCommit: () => void): Db => {
  const transaction = async (arg: unknown, options?: unknown): Promise<unknown> => {
    const run = prisma.$transaction as (arg: unknown, options?: unknown) => Promise<unknown>;
    if (typeof arg !== "function") return run.call(prisma, arg, options);
    let used: object | null = null;
    const result = await run.call(
      prisma,
      (tx: object) => {
        used = tx;
        return (arg as (tx: object) => unknown)(tx);
      },
      options,
    );
    if (used !== null && appendedAuditEvents(used)) {
      try {
        afterCommit();
      } catch {
        // Checkpointing never fails the change that was just committed.
      }
    }
    return result;
  };
  return new Proxy(prisma, {
    get(target, prop) {
      if (prop === "$transaction") return transaction;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
};
