// Where the web chat's Web Push settings come from: the VAPID keys from VAPID_PUBLIC_KEY and
// VAPID_PRIVATE_KEY, or else a key pair generated once and kept in DATA_DIR/secrets/vapid.json (so
// browsers stay subscribed across restarts: new keys would silently end every subscription); the
// contact from VAPID_SUBJECT, else PUBLIC_BASE_URL when it is https. Processes that share DATA_DIR
// (roles "bots" and "jobs") share the file. Given the database (`prisma`), the generated pair lives
// there instead (`GeneratedSecret` "vapid-keys"; a pair already in DATA_DIR is taken over), so processes
// on separate machines share it with nothing copied (issue 20).
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import webpush from "web-push";
import { type Db, getOrCreateGeneratedSecret } from "../../core/index.ts";
import { DEFAULT_PUSH_SERVICE_HOSTS, type VapidKeys, type WebPushOptions } from "./web-push.ts";

/** Used when neither VAPID_SUBJECT nor an https PUBLIC_BASE_URL is set (push services accept it; set a real contact). */
export const FALLBACK_VAPID_SUBJECT = "mailto:webpush@edoc.invalid";

export type WebPushEnv = {
  VAPID_PUBLIC_KEY?: string | undefined;
  VAPID_PRIVATE_KEY?: string | undefined;
  VAPID_SUBJECT?: string | undefined;
  /** Extra push services, comma-separated (e.g. a self-hosted one), added to DEFAULT_PUSH_SERVICE_HOSTS. */
  WEB_PUSH_HOSTS?: string | undefined;
};

const isKey = (s: unknown, bytes: number): s is string => typeof s === "string" && /^[A-Za-z0-9_-]+$/.test(s) && Buffer.from(s, "base64url").byteLength === bytes;

/**
 * The web chat's Web Push options (see the file comment for where each part comes from).
 *
 * @throws Error when only one of VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY is set, or either is malformed
 * @example const push = await loadWebPushOptions({ dataDir: config.dataDir, env: config, publicBaseUrl: config.PUBLIC_BASE_URL }); // config: app/config.ts
 */
export const loadWebPushOptions = async ({
  dataDir,
  env,
  publicBaseUrl,
  prisma,
}: {
  dataDir: string;
  env: WebPushEnv;
  publicBaseUrl?: string | undefined;
  /** Keep a generated key pair in the database rather than in DATA_DIR. */
  prisma?: Db;
}): Promise<WebPushOptions & { keySource: "env" | "file" | "generated" | "database" }> => {
  const subject = env.VAPID_SUBJECT?.trim() || (publicBaseUrl?.startsWith("https://") ? publicBaseUrl : FALLBACK_VAPID_SUBJECT);
  const extra = (env.WEB_PUSH_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const allowedHosts = [...DEFAULT_PUSH_SERVICE_HOSTS, ...extra];
  const { keys, source } = await loadVapidKeyPair(dataDir, env, prisma);
  return { vapid: { ...keys, subject }, allowedHosts, keySource: source };
};

const loadVapidKeyPair = async (
  dataDir: string,
  env: WebPushEnv,
  prisma?: Db,
): Promise<{ keys: Omit<VapidKeys, "subject">; source: "env" | "file" | "generated" | "database" }> => {
  const fromEnv = { publicKey: env.VAPID_PUBLIC_KEY?.trim() ?? "", privateKey: env.VAPID_PRIVATE_KEY?.trim() ?? "" };
  if (fromEnv.publicKey || fromEnv.privateKey) {
    if (!isKey(fromEnv.publicKey, 65) || !isKey(fromEnv.privateKey, 32))
      throw new Error("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must both be set, as base64url (65 and 32 bytes): generate them with `npx web-push generate-vapid-keys`");
    return { keys: fromEnv, source: "env" };
  }
  const file = path.join(dataDir, "secrets", "vapid.json");
  if (prisma) {
    const stored = await getOrCreateGeneratedSecret(prisma, "vapid-keys", async () => {
      const pair = (await readKeyFile(file)) ?? webpush.generateVAPIDKeys();
      return JSON.stringify({ publicKey: pair.publicKey, privateKey: pair.privateKey });
    });
    const { publicKey, privateKey } = JSON.parse(stored) as { publicKey?: unknown; privateKey?: unknown };
    if (!isKey(publicKey, 65) || !isKey(privateKey, 32))
      throw new Error(
        'the database\'s generated secret "vapid-keys" is not a VAPID key pair: delete that GeneratedSecret row to have a new one generated (browsers then subscribe again)',
      );
    return { keys: { publicKey, privateKey }, source: "database" };
  }
  const existing = await readKeyFile(file);
  if (existing) return { keys: existing, source: "file" };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const generated = webpush.generateVAPIDKeys();
  // Written aside, then linked into place: of two processes starting together, one pair wins and
  // both use it.
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ publicKey: generated.publicKey, privateKey: generated.privateKey }, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(tmp, file);
    return { keys: generated, source: "generated" };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const winner = await readKeyFile(file);
    if (!winner) throw new Error(`${file} is not a VAPID key pair: remove it to have a new one generated (browsers then subscribe again)`, { cause: err });
    return { keys: winner, source: "file" };
  } finally {
    await unlink(tmp).catch(() => {});
  }
};

const readKeyFile = async (file: string): Promise<Omit<VapidKeys, "subject"> | null> => {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: remove it to have a new VAPID key pair generated (browsers then subscribe again)`, { cause: err });
  }
  const { publicKey, privateKey } = (parsed ?? {}) as { publicKey?: unknown; privateKey?: unknown };
  if (!isKey(publicKey, 65) || !isKey(privateKey, 32))
    throw new Error(`${file} does not hold a VAPID key pair: remove it to have a new one generated (browsers then subscribe again)`);
  return { publicKey, privateKey };
};
