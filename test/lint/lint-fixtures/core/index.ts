// The front door of this fixture's core.
export { register } from "./documents/register.ts";
