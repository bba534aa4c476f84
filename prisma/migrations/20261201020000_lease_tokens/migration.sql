-- AlterTable
ALTER TABLE "RecurringTemplate" ADD COLUMN "leaseToken" TEXT;

-- AlterTable
ALTER TABLE "InvoiceRun" ADD COLUMN "leaseToken" TEXT;
