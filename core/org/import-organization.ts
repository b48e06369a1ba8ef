// `edoc org import FILE`: the organisation, its units and users from YAML (DESIGN.md, "The
// organisation file"). Validated whole before anything is written; applied in one transaction;
// idempotent by code; never deletes (a missing entry is left as it is).
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { importDirectoryAgencies } from "../interchange/agency-directory.ts";

const UNIT_KINDS = ["LEADERSHIP", "OFFICE", "DEPARTMENT", "WARD", "COMMUNE", "OTHER"] as const;
/** Kinds of unit that are a cơ quan of their own (a People's Committee with its own seal) unless the file says otherwise. */
const OWN_SEAL_KINDS: ReadonlySet<string> = new Set(["WARD", "COMMUNE"]);
const ROLES = ["CLERK", "LEADER", "UNIT_HEAD", "OFFICER", "MONITOR", "ADMIN"] as const;
const CODE = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,32}$/, "must be 1–32 ASCII letters, digits, '.', '_' or '-'");

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const ZOrganizationFile = z.object({
  organization: z.object({
    name: z.string().trim().min(1),
    code: CODE,
    timeZone: z.string().default("Asia/Ho_Chi_Minh").refine(isTimeZone, "is not a known IANA time zone"),
  }),
  units: z
    .array(
      z.object({
        code: CODE,
        name: z.string().trim().min(1),
        kind: z.enum(UNIT_KINDS),
        hasAccount: z.boolean().default(true),
        /** A separate cơ quan with its own seal; default: true for WARD and COMMUNE. */
        ownSeal: z.boolean().optional(),
        /** The cơ quan's abbreviation in a ký hiệu; default for WARD and COMMUNE: "UBND", else the unit code. */
        notation: z
          .string()
          .trim()
          .regex(/^[\p{Lu}\p{Ll}0-9]{1,20}$/u, "must be 1–20 letters or digits, no spaces")
          .optional(),
        /** An own-seal unit's electronic identifier (mã định danh điện tử), e.g. "000.31.32.H23". */
        organId: z
          .string()
          .trim()
          .max(13)
          .regex(/^[A-Z0-9]+(\.[A-Z0-9]+)*$/, "must be capital letters and digits in dot-separated groups")
          .optional(),
        active: z.boolean().default(true),
      }),
    )
    .default([]),
  users: z
    .array(
      z.object({
        code: CODE,
        name: z.string().trim().min(1),
        title: z.string().trim().optional(),
        unit: CODE,
        roles: z.array(z.enum(ROLES)).min(1, "must list at least one role"),
        active: z.boolean().default(true),
        locale: z.enum(["vi", "en"]).default("vi"),
      }),
    )
    .default([]),
  policy: z.record(z.string(), z.unknown()).nullish(),
  /**
   * The national document interchange (README, "Documents from other agencies"): what a package that
   * passes the checks becomes. `card` (default): a card to the register clerks (Vào sổ / Trả lại);
   * `direct`: registered at once in the name of the office's clerk.
   */
  interchange: z
    .object({ register: z.enum(["card", "direct"]).default("card") })
    .strict()
    .optional(),
  /** Agencies outside the organisation we send to through the interchange (core/interchange/agency-directory.ts). */
  agencies: z
    .array(
      z.object({
        organId: z
          .string()
          .trim()
          .max(64)
          .regex(/^[A-Za-z0-9]+([.-][A-Za-z0-9]+)*$/, "must be letters and digits in dot-separated groups, e.g. 000.00.31.H10"),
        name: z.string().trim().min(1).max(500),
        parent: z.string().trim().max(64).optional(),
        mail: z.string().trim().max(200).optional(),
      }),
    )
    .default([]),
});
export type OrganizationFile = z.infer<typeof ZOrganizationFile>;

export type ImportOrganizationResult = {
  orgId: string;
  units: { created: number; updated: number };
  users: { created: number; updated: number };
  /** Entries of `agencies:` written to the interchange directory. */
  agencies: number;
};

/** Describes where a zod issue is: `users[3] (code "cv.tckh").roles[0]`. */
const describePath = (doc: unknown, path: PropertyKey[]): string => {
  let out = "";
  let node: unknown = doc;
  for (const key of path) {
    if (typeof key === "number") {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const code = node && typeof node === "object" ? (node as Record<string, unknown>).code : undefined;
      if (typeof code === "string") out += ` (code "${code}")`;
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === "object" ? (node as Record<string, unknown>)[key as string] : undefined;
    }
  }
  return out || "file";
};

/**
 * Parses and validates an organisation file. Returns every problem found, each naming the entry
 * and field; throws `DomainError("ORG_FILE_INVALID")` with them joined in `params.problems`.
 */
export const parseOrganizationFile = (text: string): OrganizationFile => {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const detail = err instanceof YAMLParseError ? `${err.message}` : String(err);
    throw new DomainError("ORG_FILE_INVALID", "org.fileInvalid", { problems: `YAML: ${detail}` });
  }
  const parsed = ZOrganizationFile.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${describePath(doc, i.path)}: ${i.message}`);
    throw new DomainError("ORG_FILE_INVALID", "org.fileInvalid", { problems: problems.join("; ") });
  }
  const file = parsed.data;
  const problems: string[] = [];
  const seen = (list: { code: string }[], what: string) => {
    const codes = new Map<string, number>();
    list.forEach((entry, i) => {
      const key = entry.code.toLowerCase();
      if (codes.has(key)) problems.push(`${what}[${i}] (code "${entry.code}"): duplicate code, already used by ${what}[${codes.get(key)}]`);
      else codes.set(key, i);
    });
  };
  seen(file.units, "units");
  seen(file.users, "users");
  return Object.assign(file, { problems });
};

/**
 * Imports an organisation file in one transaction. A unit named by a user must be in the file or
 * already in the database. Nothing is deleted.
 *
 * @example await importOrganization(deps, { text: await readFile("org.yaml", "utf8") })
 */
export const importOrganization = async (deps: CoreDeps, { text, actorUserId }: { text: string; actorUserId?: string }): Promise<ImportOrganizationResult> => {
  const file = parseOrganizationFile(text) as OrganizationFile & { problems: string[] };
  const now = deps.clock.now();
  return deps.prisma.$transaction(
    async (tx) => {
      const existingOrg = await tx.organization.findUnique({ where: { code: file.organization.code }, select: { id: true } });
      const existingUnits = existingOrg ? await tx.unit.findMany({ where: { orgId: existingOrg.id }, select: { id: true, code: true } }) : [];
      const unitCodes = new Set([...existingUnits.map((u) => u.code.toLowerCase()), ...file.units.map((u) => u.code.toLowerCase())]);
      const problems = [...file.problems];
      file.users.forEach((u, i) => {
        if (!unitCodes.has(u.unit.toLowerCase())) problems.push(`users[${i}] (code "${u.code}").unit: unknown unit "${u.unit}"`);
      });
      if (problems.length > 0) throw new DomainError("ORG_FILE_INVALID", "org.fileInvalid", { problems: problems.join("; ") });

      // Absent from the file: a new organisation gets `card`, an existing one keeps its choice.
      const interchangeMode = file.interchange ? { interchangeRegister: file.interchange.register === "direct" ? ("DIRECT" as const) : ("CARD" as const) } : {};
      const org = await tx.organization.upsert({
        where: { code: file.organization.code },
        create: { code: file.organization.code, name: file.organization.name, timeZone: file.organization.timeZone, policy: (file.policy ?? {}) as object, ...interchangeMode },
        update: { name: file.organization.name, timeZone: file.organization.timeZone, ...(file.policy ? { policy: file.policy as object } : {}), ...interchangeMode },
        select: { id: true },
      });
      const unitIds = new Map(existingUnits.map((u) => [u.code.toLowerCase(), u.id]));
      const result: ImportOrganizationResult = { orgId: org.id, units: { created: 0, updated: 0 }, users: { created: 0, updated: 0 }, agencies: 0 };
      for (const u of file.units) {
        const known = unitIds.get(u.code.toLowerCase());
        const ownSeal = u.ownSeal ?? OWN_SEAL_KINDS.has(u.kind);
        const notation = ownSeal ? (u.notation ?? (OWN_SEAL_KINDS.has(u.kind) ? "UBND" : u.code)) : null;
        const data = { name: u.name, kind: u.kind, hasAccount: u.hasAccount, ownSeal, notation, organId: ownSeal ? (u.organId ?? null) : null, active: u.active };
        if (known) {
          await tx.unit.update({ where: { id: known }, data });
          result.units.updated++;
        } else {
          const created = await tx.unit.create({ data: { orgId: org.id, code: u.code, ...data }, select: { id: true } });
          unitIds.set(u.code.toLowerCase(), created.id);
          result.units.created++;
        }
      }
      const existingUsers = await tx.user.findMany({ where: { orgId: org.id }, select: { id: true, code: true } });
      const userIds = new Map(existingUsers.map((u) => [u.code.toLowerCase(), u.id]));
      for (const u of file.users) {
        const data = { name: u.name, title: u.title ?? null, unitId: unitIds.get(u.unit.toLowerCase())!, roles: u.roles, active: u.active, locale: u.locale };
        const known = userIds.get(u.code.toLowerCase());
        if (known) {
          await tx.user.update({ where: { id: known }, data });
          result.users.updated++;
        } else {
          await tx.user.create({ data: { orgId: org.id, code: u.code, ...data } });
          result.users.created++;
        }
      }
      result.agencies = await importDirectoryAgencies(
        tx,
        now,
        file.agencies.map((a) => ({ organId: a.organId, name: a.name, ...(a.parent ? { parentOrganId: a.parent } : {}), ...(a.mail ? { mail: a.mail } : {}) })),
      );
      await appendAuditEvent(tx, {
        type: "org.imported",
        at: now,
        orgId: org.id,
        actorUserId: actorUserId ?? null,
        entityType: "Organization",
        entityId: org.id,
        data: { units: result.units, users: result.users },
      });
      return result;
    },
    { timeout: 60_000 },
  );
};
