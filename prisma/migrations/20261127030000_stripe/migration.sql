-- CreateTable
CREATE TABLE "StripeCustomer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "customerEmail" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "StripeCustomer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StripeTaxRate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account" TEXT NOT NULL,
    "percentage" TEXT NOT NULL,
    "inclusive" BOOLEAN NOT NULL,
    "displayName" TEXT NOT NULL,
    "taxRateId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "StripeOAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "stateHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StripeOAuthState_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StripeEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "StripeCustomer_shopId_customerEmail_idx" ON "StripeCustomer"("shopId", "customerEmail");

-- CreateIndex
CREATE INDEX "StripeCustomer_shopId_shopifyCustomerId_idx" ON "StripeCustomer"("shopId", "shopifyCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "StripeCustomer_shopId_account_customerKey_key" ON "StripeCustomer"("shopId", "account", "customerKey");

-- CreateIndex
CREATE UNIQUE INDEX "StripeTaxRate_account_percentage_inclusive_displayName_key" ON "StripeTaxRate"("account", "percentage", "inclusive", "displayName");

-- CreateIndex
CREATE UNIQUE INDEX "StripeOAuthState_stateHash_key" ON "StripeOAuthState"("stateHash");

-- CreateIndex
CREATE INDEX "StripeOAuthState_shopId_idx" ON "StripeOAuthState"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "StripeEvent_eventId_key" ON "StripeEvent"("eventId");

-- CreateIndex
CREATE INDEX "StripeEvent_shopId_idx" ON "StripeEvent"("shopId");

-- CreateIndex
CREATE INDEX "Shop_billingAccountId_idx" ON "Shop"("billingAccountId");

