import { a } from "./cycle-a.ts";

export const b = (): number => 1;
export const c = (): number => a();
