// What every part of the page shares: the API client, the element the page draws into, and the
// server catalog's texts (`web.*` keys) with `tr` to fill them.
import { createApi } from "./api.ts";
import { fill } from "./dom.ts";

export const api = createApi();
export const root = document.getElementById("app")!;

let texts: Record<string, string> = {};
/** The texts of the session's locale (every session answer carries them). */
export const setTexts = (next: Record<string, string>): void => {
  texts = next;
};
export const tr = (key: string, params?: Record<string, string | number>): string => fill(texts[key] ?? key, params);
