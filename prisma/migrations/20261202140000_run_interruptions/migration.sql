-- AlterTable (written by hand: `migrate diff` redefines the whole table for
-- a NOT NULL column with a default, which SQLite adds in place)
ALTER TABLE "InvoiceRun" ADD COLUMN "attemptStep" TEXT;
ALTER TABLE "InvoiceRun" ADD COLUMN "interruptions" INTEGER NOT NULL DEFAULT 0;
