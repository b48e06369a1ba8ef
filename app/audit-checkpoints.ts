// Wires the audit checkpoints (core/audit/audit-checkpoint.ts) for a process: the signing key
// (AUDIT_CHECKPOINT_SECRET, or one generated once in DATA_DIR/secrets), the file
// DATA_DIR/audit/checkpoint.json, and the log lines when a checkpoint cannot be written.
import path from "node:path";
import { createAuditCheckpointer, type AuditCheckpointer, type CheckpointCheck, createFileCheckpointStore, type Db } from "../core/index.ts";
import type { Logger } from "./logger.ts";
import { loadOrCreateSecret, readSecret } from "./secrets.ts";

export const auditCheckpointFile = (dataDir: string): string => path.join(dataDir, "audit", "checkpoint.json");

/** The checkpointer of a process. Touches no file until it reads or writes a checkpoint. */
export const openAuditCheckpointer = ({
  dataDir,
  secret: fromEnv,
  db,
  clock,
  logger,
}: {
  dataDir: string;
  /** AUDIT_CHECKPOINT_SECRET; unset → the key in DATA_DIR/secrets. */
  secret?: string | undefined;
  db: Db;
  clock: { now(): Date };
  logger: Logger;
}): AuditCheckpointer => {
  const name = "audit-checkpoint.key";
  const secret = ({ create }: { create: boolean }) => (create ? loadOrCreateSecret(dataDir, name, fromEnv) : readSecret(dataDir, name, fromEnv));
  return createAuditCheckpointer({
    db,
    store: createFileCheckpointStore({ file: auditCheckpointFile(dataDir), secret }),
    clock,
    onProblem: (outcome) =>
      outcome.status === "failed"
        ? logger.error({ err: outcome.error }, "audit checkpoint not written; the next commit tries again")
        : logger.error({ checkpoint: describeCheckpointCheck(outcome.check) }, "audit checkpoint kept, not replaced: run `edoc audit verify`"),
  });
};

/** One line for the CLI and the logs; `at` writes a checkpoint's time (ISO by default, the office's time on the CLI). */
export const describeCheckpointCheck = (check: CheckpointCheck, at: (iso: string) => string = (iso) => iso): string => {
  switch (check.status) {
    case "none":
      return `No checkpoint yet (${check.location}): a cut-off tail cannot be detected until the service writes one.`;
    case "notAuthentic":
      return `The checkpoint file ${check.location} is not authentic (${
        check.reason === "signature"
          ? "its signature does not match: edited, or signed with another key"
          : check.reason === "noKey"
            ? "the key that signed it is gone: DATA_DIR/secrets/audit-checkpoint.key or AUDIT_CHECKPOINT_SECRET"
            : check.reason === "malformed"
              ? "not a signed checkpoint"
              : "unreadable"
      }): the table could not be compared with it.`;
    case "matched":
      return `It reaches the checkpoint of ${at(check.checkpoint.at)} (#${check.checkpoint.seq}).`;
    case "missing":
      return `Audit log cut off: ${check.missing} event(s) missing ${check.lastSeq === null ? "from the start" : `after #${check.lastSeq}`}: the checkpoint of ${at(check.checkpoint.at)} recorded #${check.checkpoint.seq} (${check.checkpoint.count} event(s)).`;
    case "differs":
      return `Audit log replaced: event #${check.checkpoint.seq} is not the one the checkpoint of ${at(check.checkpoint.at)} recorded (it counted ${check.checkpoint.count} event(s) up to it; ${check.present} are there now).`;
  }
};
