-- AlterTable
ALTER TABLE "InvoiceRun" ADD COLUMN     "attemptStep" TEXT,
ADD COLUMN     "interruptions" INTEGER NOT NULL DEFAULT 0;

