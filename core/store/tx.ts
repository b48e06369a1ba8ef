import type { PrismaClient } from "./generated/client.ts";

/** An interactive transaction client (what `$transaction(async (tx) => …)` hands over). */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
