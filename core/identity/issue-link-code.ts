import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { generateLinkCode, hashLinkCode } from "./link-code-format.ts";

export const ZIssueLinkCodeInput = z.object({
  /** The user's code in the organisation file, e.g. `tp.tckh`. */
  userCode: z.string().min(1),
  /** Who issues it (an administrator's user id), when known. */
  issuedById: z.string().optional(),
});
export type IssueLinkCodeInput = z.infer<typeof ZIssueLinkCodeInput>;

export type IssueLinkCodeResult = { userId: string; userCode: string; userName: string; code: string; expiresAt: Date };

/**
 * Issues a one-time code that links a chat account to a user. Only the code's hash is stored; the
 * code itself is returned once, to be handed to the person.
 *
 * @example await issueLinkCode(deps, { userCode: "tp.tckh" }) // → { code: "K7QM-4RTA", expiresAt, … }
 */
export const issueLinkCode = async (deps: CoreDeps, raw: IssueLinkCodeInput): Promise<IssueLinkCodeResult> => {
  const input = ZIssueLinkCodeInput.parse(raw);
  const now = deps.clock.now();
  const user = await deps.prisma.user.findFirst({ where: { code: input.userCode }, select: { id: true, code: true, name: true, orgId: true, active: true } });
  if (!user) throw new DomainError("USER_NOT_FOUND", "link.userNotFound", { user: input.userCode });
  if (!user.active) throw new DomainError("USER_INACTIVE", "link.userInactive", { user: input.userCode });
  const code = generateLinkCode();
  const expiresAt = new Date(now.getTime() + deps.settings.linkCodeTtlHours * 3_600_000);
  await deps.prisma.$transaction(async (tx) => {
    const created = await tx.linkCode.create({ data: { userId: user.id, codeHash: hashLinkCode(code), expiresAt, createdAt: now }, select: { id: true } });
    await appendAuditEvent(tx, {
      type: "linkCode.issued",
      at: now,
      orgId: user.orgId,
      actorUserId: input.issuedById ?? null,
      entityType: "LinkCode",
      entityId: created.id,
      data: { userId: user.id, expiresAt: expiresAt.toISOString() },
    });
  });
  return { userId: user.id, userCode: user.code, userName: user.name, code, expiresAt };
};
