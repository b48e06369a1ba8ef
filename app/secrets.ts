// Keys the service generates once and keeps in DATA_DIR/secrets (mode 0600), unless the environment
// gives one: links and checkpoints signed before a restart stay valid after it.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * `fromEnv` when set; else the key in `DATA_DIR/secrets/<name>`, created the first time. Two processes
 * starting together agree on one key: only the first creates the file, the other reads it.
 *
 * @example const secret = await loadOrCreateSecret(dataDir, "audit-checkpoint.key", config.AUDIT_CHECKPOINT_SECRET);
 */
export const loadOrCreateSecret = async (dataDir: string, name: string, fromEnv?: string): Promise<string> => {
  const existing = await readSecret(dataDir, name, fromEnv);
  if (existing) return existing;
  const file = path.join(dataDir, "secrets", name);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  try {
    await writeFile(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process created it first, or an earlier file was too short: theirs, else replace it.
    const theirs = await readSecret(dataDir, name);
    if (theirs) return theirs;
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
};

/** `fromEnv` when set; else the key in `DATA_DIR/secrets/<name>`, or null when there is none (creates nothing). */
export const readSecret = async (dataDir: string, name: string, fromEnv?: string): Promise<string | null> => {
  if (fromEnv) return fromEnv;
  const existing = await readFile(path.join(dataDir, "secrets", name), "utf8").catch(() => null);
  return existing && existing.trim().length >= 32 ? existing.trim() : null;
};
