-- AlterEnum
ALTER TYPE "ExtensionStatus" ADD VALUE 'CLOSED';

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "seq" BIGSERIAL NOT NULL;
