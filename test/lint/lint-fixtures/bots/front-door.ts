// The same bot through the front door: allowed.
import { register } from "../core/index.ts";

export const onText = (text: string): string => register(text);
