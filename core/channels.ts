// The chat channels, named once. The database's `Channel` enum (prisma/schema.prisma) holds the same
// values: the compile-time checks below fail when the two drift apart.
import { z } from "zod";
import type { Channel as StoredChannel } from "./store/generated/enums.ts";

/** Every chat channel a person can use, in the order they were added. */
export const CHANNELS = ["TELEGRAM", "ZALO", "WEB"] as const;

/** A chat channel: Telegram, Zalo, or the web chat. */
export type Channel = (typeof CHANNELS)[number];

/** A channel in a use case's input. */
export const ZChannel = z.enum(CHANNELS);

// === Compile-time: CHANNELS and the database enum name the same channels.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatchTheDatabase: Same<Channel, StoredChannel> = true;
void channelsMatchTheDatabase;
