-- AlterTable
ALTER TABLE "RecurringTemplate" ADD COLUMN     "customerRedactedAt" TIMESTAMP(3);
