import type { AuditCheckpointer } from "./audit/audit-checkpoint.ts";
import type { FileStore } from "./files/file-store.ts";
import type { AgencyCertificate } from "./pdf/sign-pdf.ts";
import type { Db } from "./store/client.ts";

/**
 * The part of a pino logger core uses (the app passes its pino logger; tests a silent or recording
 * one). Log ids and codes, never contents (no document text, file bytes, or names a person typed).
 */
export type CoreLogger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** Drops everything: for tools and benchmarks that have no log (tests: `createTestDeps`). */
export const silentLogger: CoreLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** What every use case needs, passed to each use case as its first argument. */
export type CoreDeps = {
  prisma: Db;
  /** Where core reports failures it recovers from (a stamp that could not be made, a cleanup that failed). */
  logger: CoreLogger;
  /** Core never calls `new Date()`: time comes from here (a fake clock in tests). */
  clock: { now(): Date };
  /** Content-addressed file store (originals, stamped copies, reports). */
  files: FileStore;
  settings: CoreSettings;
  /** The agency's signing certificate (P12), when configured: outgoing documents get a PAdES signature. */
  agencyCertificate?: AgencyCertificate;
  /**
   * Signed checkpoints of the audit chain's head, kept outside the database (audit/audit-checkpoint.ts).
   * The composition root hooks `prisma` so that commits that appended events call `afterCommit()`.
   * Unset → no checkpoints (tests, tools).
   */
  auditCheckpoint?: AuditCheckpointer;
};

export type CoreSettings = {
  /** Lifetime of a link code. @defaultValue 72 */
  linkCodeTtlHours: number;
  /** Wrong link-code tries from one chat before it is locked. @defaultValue 5 */
  linkMaxFailures: number;
  /**
   * Wrong web sign-in tries from one client address (all its browsers together) before the address is
   * locked: several people behind one office NAT each get their own `linkMaxFailures`. @defaultValue 50
   */
  linkMaxFailuresPerAddress: number;
  /** How long a chat stays locked after too many wrong tries, in minutes. @defaultValue 30 */
  linkLockMinutes: number;
  /**
   * Wrong link-code tries from everywhere together (all chats, browsers and addresses) per
   * `linkServiceWindowMinutes` before every redemption is refused for the rest of that time: an attacker
   * who rotates chats gets a fresh per-chat allowance each time, but not a fresh service budget.
   * @defaultValue 50
   */
  linkServiceMaxFailures: number;
  /** The service budget's window, and how long redemptions stay refused once it is spent, in minutes. @defaultValue 30 */
  linkServiceWindowMinutes: number;
  /** Office time zone. @defaultValue Asia/Ho_Chi_Minh */
  officeTimeZone: string;
  /** Largest accepted upload in bytes. @defaultValue 50 MiB */
  maxUploadBytes: number;
  /**
   * The agency's electronic identifier (mã định danh điện tử, Decision 20/2020/QĐ-TTg; at most 13
   * characters, e.g. "000.00.31.H23"): OrganId in the archive metadata (Decree 30 App. VI) and in
   * document interchange. Unset → the archive export refuses. @defaultValue undefined
   */
  agencyOrganId?: string | undefined;
  /**
   * Reading a scan sent for registration (issue 18): the read's budget, after which the clerk gets the
   * manual form. Unset: scans are not read (the library default, and what tests use unless they
   * test reading); the app sets it unless OCR_ENABLED=false. @defaultValue undefined
   */
  ocr?: { timeoutMs: number } | undefined;
};

export const DEFAULT_SETTINGS: CoreSettings = {
  linkCodeTtlHours: 72,
  linkMaxFailures: 5,
  linkMaxFailuresPerAddress: 50,
  linkLockMinutes: 30,
  linkServiceMaxFailures: 50,
  linkServiceWindowMinutes: 30,
  officeTimeZone: "Asia/Ho_Chi_Minh",
  maxUploadBytes: 50 * 1024 * 1024,
};
