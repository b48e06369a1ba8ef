// Secrets the service makes for itself (the file-link key, the VAPID key pair) when the environment
// does not give them, kept in the database (`GeneratedSecret`): every process of a deployment, on
// any machine, then signs and verifies with the same key, and nothing has to be copied between
// machines (issue 20).
import type { Db } from "./client.ts";

/**
 * The secret called `name`: the stored one, or else `create()`'s value, stored. Of several processes
 * starting together, the first to store wins and all of them return its value.
 */
export const getOrCreateGeneratedSecret = async (prisma: Db, name: string, create: () => string | Promise<string>): Promise<string> => {
  const existing = await prisma.generatedSecret.findUnique({ where: { name } });
  if (existing) return existing.value;
  await prisma.generatedSecret.createMany({ data: [{ name, value: await create() }], skipDuplicates: true });
  const winner = await prisma.generatedSecret.findUnique({ where: { name } });
  if (!winner) throw new Error(`generated secret ${name} vanished right after it was stored`);
  return winner.value;
};
