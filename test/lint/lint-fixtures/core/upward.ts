// core importing a channel: refused.
import { onText } from "../bots/front-door.ts";

export const echo = (text: string): string => onText(text);
