-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "locale" TEXT NOT NULL DEFAULT 'en',
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "settings" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "billingAccountId" TEXT,
    "billingDisconnectedAt" TIMESTAMP(3),

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerDataRequest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "customerEmail" TEXT,
    "report" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerDataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecurringTemplate" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "sourceOrderId" TEXT,
    "shopifyCustomerId" TEXT,
    "customerEmail" TEXT,
    "customer" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "lines" TEXT NOT NULL,
    "shipping" TEXT,
    "taxesIncluded" BOOLEAN NOT NULL,
    "memo" TEXT,
    "periodTotal" INTEGER NOT NULL,
    "scheduleEvery" INTEGER NOT NULL,
    "scheduleUnit" TEXT NOT NULL,
    "scheduleAnchor" TEXT NOT NULL,
    "scheduleTimeOfDay" TEXT NOT NULL,
    "scheduleTimeZone" TEXT NOT NULL,
    "scheduleEndAfterCount" INTEGER,
    "scheduleEndUntil" TEXT,
    "periodOffset" INTEGER NOT NULL DEFAULT 0,
    "nextPeriodIndex" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" TIMESTAMP(3),
    "activeSince" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "statusReason" TEXT,
    "issuedCount" INTEGER NOT NULL DEFAULT 0,
    "catchUpPolicy" TEXT,
    "daysUntilDue" INTEGER NOT NULL,
    "signatureRequested" BOOLEAN NOT NULL,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecurringTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceRun" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "periodIndex" INTEGER NOT NULL,
    "periodDate" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL,
    "step" TEXT,
    "skipReason" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "keyGeneration" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "customerId" TEXT,
    "invoiceId" TEXT,
    "invoiceNumber" TEXT,
    "hostedInvoiceUrl" TEXT,
    "invoicePdfUrl" TEXT,
    "currency" TEXT NOT NULL,
    "expectedTotal" INTEGER NOT NULL,
    "invoicedTotal" INTEGER,
    "snapshot" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InvoiceRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunEvent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "runId" TEXT,
    "type" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "actor" TEXT NOT NULL,
    "cause" TEXT,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RunEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WriteBack" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "shopifyOrderId" TEXT,
    "shopifyOrderName" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WriteBack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StripeCustomer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "customerEmail" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StripeCustomer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StripeTaxRate" (
    "id" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "percentage" TEXT NOT NULL,
    "inclusive" BOOLEAN NOT NULL,
    "displayName" TEXT NOT NULL,
    "taxRateId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StripeTaxRate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StripeOAuthState" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "stateHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StripeOAuthState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StripeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SigningLink" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "viewedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "SigningLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Signature" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "invoiceNumber" TEXT NOT NULL,
    "merchantName" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "consentVersion" TEXT NOT NULL,
    "documentHash" TEXT NOT NULL,
    "document" TEXT,
    "signerName" TEXT,
    "signerEmail" TEXT,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "image" BYTEA,
    "signedPdf" BYTEA,
    "signedPdfSha256" TEXT NOT NULL,
    "viewedAt" TIMESTAMP(3) NOT NULL,
    "signedAt" TIMESTAMP(3) NOT NULL,
    "metadataSyncedAt" TIMESTAMP(3),
    "redactedAt" TIMESTAMP(3),

    CONSTRAINT "Signature_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE INDEX "Shop_billingAccountId_idx" ON "Shop"("billingAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_key" ON "WebhookDelivery"("webhookId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shopDomain_idx" ON "WebhookDelivery"("shopDomain");

-- CreateIndex
CREATE INDEX "CustomerDataRequest_shopId_idx" ON "CustomerDataRequest"("shopId");

-- CreateIndex
CREATE INDEX "RecurringTemplate_status_nextRunAt_idx" ON "RecurringTemplate"("status", "nextRunAt");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_status_idx" ON "RecurringTemplate"("shopId", "status");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_shopifyCustomerId_idx" ON "RecurringTemplate"("shopId", "shopifyCustomerId");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_customerEmail_idx" ON "RecurringTemplate"("shopId", "customerEmail");

-- CreateIndex
CREATE INDEX "InvoiceRun_state_nextAttemptAt_idx" ON "InvoiceRun"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "InvoiceRun_shopId_idx" ON "InvoiceRun"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceRun_templateId_periodIndex_key" ON "InvoiceRun"("templateId", "periodIndex");

-- CreateIndex
CREATE INDEX "RunEvent_templateId_at_idx" ON "RunEvent"("templateId", "at");

-- CreateIndex
CREATE INDEX "RunEvent_runId_idx" ON "RunEvent"("runId");

-- CreateIndex
CREATE INDEX "RunEvent_shopId_idx" ON "RunEvent"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "WriteBack_runId_key" ON "WriteBack"("runId");

-- CreateIndex
CREATE INDEX "WriteBack_state_leaseExpiresAt_idx" ON "WriteBack"("state", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "WriteBack_shopId_idx" ON "WriteBack"("shopId");

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
CREATE UNIQUE INDEX "SigningLink_tokenHash_key" ON "SigningLink"("tokenHash");

-- CreateIndex
CREATE INDEX "SigningLink_runId_idx" ON "SigningLink"("runId");

-- CreateIndex
CREATE INDEX "SigningLink_shopId_idx" ON "SigningLink"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "Signature_runId_key" ON "Signature"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Signature_signedPdfSha256_key" ON "Signature"("signedPdfSha256");

-- CreateIndex
CREATE INDEX "Signature_shopId_signerEmail_idx" ON "Signature"("shopId", "signerEmail");

-- CreateIndex
CREATE INDEX "Signature_documentHash_idx" ON "Signature"("documentHash");

-- CreateIndex
CREATE INDEX "Signature_metadataSyncedAt_idx" ON "Signature"("metadataSyncedAt");

-- AddForeignKey
ALTER TABLE "CustomerDataRequest" ADD CONSTRAINT "CustomerDataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecurringTemplate" ADD CONSTRAINT "RecurringTemplate_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceRun" ADD CONSTRAINT "InvoiceRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceRun" ADD CONSTRAINT "InvoiceRun_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "RecurringTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "RecurringTemplate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WriteBack" ADD CONSTRAINT "WriteBack_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WriteBack" ADD CONSTRAINT "WriteBack_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StripeCustomer" ADD CONSTRAINT "StripeCustomer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StripeOAuthState" ADD CONSTRAINT "StripeOAuthState_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StripeEvent" ADD CONSTRAINT "StripeEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SigningLink" ADD CONSTRAINT "SigningLink_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SigningLink" ADD CONSTRAINT "SigningLink_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Signature" ADD CONSTRAINT "Signature_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Signature" ADD CONSTRAINT "Signature_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

