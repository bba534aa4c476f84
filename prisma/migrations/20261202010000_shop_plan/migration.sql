-- The shop's pricing plan, cached from Shopify (app/services/billing-plan/).
-- Added in place (SQLite accepts ADD COLUMN with a constant default): no table rebuild.
ALTER TABLE "Shop" ADD COLUMN "plan" TEXT NOT NULL DEFAULT 'free';
ALTER TABLE "Shop" ADD COLUMN "planSubscriptionId" TEXT;
ALTER TABLE "Shop" ADD COLUMN "planCheckedAt" DATETIME;
