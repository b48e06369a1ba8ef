import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";

/** The active user with this code (case-insensitive), for commands run on someone's behalf (`edoc … --as USER`). */
export const findUserIdByCode = async (deps: Pick<CoreDeps, "prisma">, code: string): Promise<string> => {
  const user = await deps.prisma.user.findFirst({ where: { code: { equals: code.trim(), mode: "insensitive" }, active: true }, select: { id: true } });
  if (!user) throw new DomainError("USER_NOT_FOUND", "link.userNotFound", { user: code });
  return user.id;
};
