-- AlterTable
ALTER TABLE "RecurringTemplate" ADD COLUMN     "rail" TEXT NOT NULL DEFAULT 'stripe';

