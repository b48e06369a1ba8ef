-- One open delegation per officer under a unit's assignment (core/assignments/delegate-direct.ts and
-- delegate-assignment.ts read "a delegation to them is already open" before writing; this index closes
-- the race of two delegations at the same moment). Closed delegations (completed, returned, cancelled)
-- do not count: the same work may be delegated to the officer again.
--
-- Duplicates that race left before this index: the one furthest along stays open (in progress, then
-- acknowledged, then assigned; the earliest first), the others are cancelled with their reminders
-- stopped, as a closed delegation is (core/assignments/close-delegated-work.ts), and audited. Delegations
-- carry no extension requests, so none to close. Times in UTC, as Prisma writes them. The events are
-- written unlinked (hash null), with no actor: the service links them into the chain after its next
-- audited change (core/audit/link-audit-chain.ts).
WITH "ranked" AS (
  SELECT c."id", row_number() OVER (
           PARTITION BY c."parentId", c."assigneeUserId"
           ORDER BY CASE c."status" WHEN 'IN_PROGRESS' THEN 0 WHEN 'ACKNOWLEDGED' THEN 1 ELSE 2 END, c."createdAt", c."id"
         ) AS "n"
  FROM "Assignment" c
  WHERE c."parentId" IS NOT NULL AND c."status" IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PROGRESS')
),
"closed" AS (
  UPDATE "Assignment" a
  SET "status" = 'CANCELLED', "nextReminderAt" = NULL, "reminderStep" = NULL, "updatedAt" = date_trunc('milliseconds', now() AT TIME ZONE 'UTC')
  FROM "ranked" r
  WHERE a."id" = r."id" AND r."n" > 1
  RETURNING a."id", a."ref", a."unitId"
)
INSERT INTO "AuditEvent" ("at", "orgId", "actorUserId", "type", "entityType", "entityId", "data")
SELECT date_trunc('milliseconds', now() AT TIME ZONE 'UTC'), u."orgId", NULL, 'assignment.delegationClosed', 'Assignment', c."id",
       jsonb_build_object('ref', c."ref", 'because', 'DUPLICATE')
FROM "closed" c JOIN "Unit" u ON u."id" = c."unitId"
ORDER BY c."id";

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_open_delegation_key" ON "Assignment"("parentId", "assigneeUserId")
WHERE "parentId" IS NOT NULL AND "status" IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PROGRESS');
