-- How the customer pays (issue #16): a column at the end of the table, as SQLite adds it.
ALTER TABLE "RecurringTemplate" ADD COLUMN "rail" TEXT NOT NULL DEFAULT 'stripe';
