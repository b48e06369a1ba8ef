// Two modules importing each other at run time: a cycle.
import { b } from "./cycle-b.ts";

export const a = (): number => b() + 1;
