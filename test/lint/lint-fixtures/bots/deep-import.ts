// A bot reaching past core's front door: refused.
import { register } from "../core/documents/register.ts";

export const onText = (text: string): string => register(text);
