-- AlterTable
ALTER TABLE "WriteBack" ADD COLUMN "nextAttemptAt" DATETIME;

