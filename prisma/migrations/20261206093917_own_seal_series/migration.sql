-- AlterTable
ALTER TABLE "Document" ADD COLUMN     "issuerUnitId" TEXT;

-- AlterTable
ALTER TABLE "Unit" ADD COLUMN     "notation" TEXT,
ADD COLUMN     "organId" TEXT,
ADD COLUMN     "ownSeal" BOOLEAN NOT NULL DEFAULT false;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_issuerUnitId_fkey" FOREIGN KEY ("issuerUnitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A ward's or commune's People's Committee is a cơ quan with its own seal: the organisation file's
-- default for units of those kinds (core/org/import-organization.ts), applied to the units already imported.
UPDATE "Unit" SET "ownSeal" = true, "notation" = 'UBND' WHERE "kind" IN ('WARD', 'COMMUNE');
