-- AlterTable
ALTER TABLE "RecurringTemplate" ADD COLUMN "customerRedactedAt" DATETIME;
