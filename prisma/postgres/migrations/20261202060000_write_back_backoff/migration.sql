-- AlterTable
ALTER TABLE "WriteBack" ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

