// What the reminder functions need to know about an organisation: its working calendar (in its time
// zone) and its reminder policy (Organization.policy over the defaults).
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { Calendar } from "../calendar/calendar.ts";
import type { CoreDeps } from "../deps.ts";
import { resolveReminderPolicy, type ReminderPolicy } from "../domain/reminder-policy.ts";
import { DomainError } from "../errors.ts";
import type { Tx } from "../store/tx.ts";

/** An organisation's calendar and reminder policy. */
export type ReminderContext = {
  orgId: string;
  /** The organisation's IANA time zone. */
  zone: string;
  calendar: Calendar;
  policy: ReminderPolicy;
};

/**
 * Loads the calendar (cached per process) and the policy of an organisation.
 *
 * @param db - `deps.prisma` or a transaction (the organisation row is read through it).
 * @throws DomainError `NOT_FOUND` for an unknown organisation, `POLICY_INVALID` for a bad policy.
 * @example const { calendar, policy } = await loadReminderContext(deps, { orgId });
 */
export const loadReminderContext = async (deps: Pick<CoreDeps, "prisma" | "settings">, input: { orgId: string; db?: Tx }): Promise<ReminderContext> => {
  const org = await (input.db ?? deps.prisma).organization.findUnique({ where: { id: input.orgId }, select: { id: true, timeZone: true, policy: true } });
  if (org === null) throw new DomainError("NOT_FOUND", "error.notFound", { what: `organization ${input.orgId}` });
  const calendar = await loadOrgCalendar(deps, { zone: org.timeZone });
  return { orgId: org.id, zone: org.timeZone, calendar, policy: resolveReminderPolicy(org.policy) };
};

const policyCache = new Map<string, ReminderPolicy>();

/**
 * An organisation's policy from its `policy` column read as text (a hot path's joined read selects
 * `o."policy"::text`), resolved once per distinct text.
 */
export const reminderPolicyOfText = (text: string): ReminderPolicy => {
  let policy = policyCache.get(text);
  if (policy === undefined) {
    policy = resolveReminderPolicy(JSON.parse(text));
    if (policyCache.size > 100) policyCache.clear();
    policyCache.set(text, policy);
  }
  return policy;
};
