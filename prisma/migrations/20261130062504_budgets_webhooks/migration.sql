-- CreateEnum
CREATE TYPE "AttributionScope" AS ENUM ('TAG', 'END_USER');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- DropForeignKey
ALTER TABLE "GatewayKeySpend" DROP CONSTRAINT "GatewayKeySpend_gatewayKeyId_fkey";

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "creditsLowThresholdUsd" DECIMAL(24,12);

-- Budget holds name their budgets as lists (a gateway key's, and the tag and end-user budgets a
-- request falls under). Holds in flight during the upgrade keep their key's budget.
ALTER TABLE "Reservation" ADD COLUMN     "budgetIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "budgetPeriods" TEXT[] DEFAULT ARRAY[]::TEXT[];
UPDATE "Reservation" SET "budgetIds" = ARRAY["gatewayKeyId"], "budgetPeriods" = ARRAY["budgetPeriod"]
WHERE "gatewayKeyId" IS NOT NULL AND "budgetPeriod" IS NOT NULL;
ALTER TABLE "Reservation" DROP COLUMN "budgetPeriod",
DROP COLUMN "gatewayKeyId";

ALTER TABLE "UsageIntent" ADD COLUMN     "budgetIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "budgetPeriods" TEXT[] DEFAULT ARRAY[]::TEXT[];
UPDATE "UsageIntent" SET "budgetIds" = ARRAY["gatewayKeyId"], "budgetPeriods" = ARRAY["budgetPeriod"]
WHERE "budgetPeriod" IS NOT NULL;
ALTER TABLE "UsageIntent" DROP COLUMN "budgetPeriod";

-- CreateTable
CREATE TABLE "AttributionBudget" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "scope" "AttributionScope" NOT NULL,
    "value" TEXT NOT NULL,
    "budgetUsd" DECIMAL(24,12) NOT NULL,
    "budgetPeriod" "BudgetPeriod" NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttributionBudget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BudgetSpend" (
    "budgetId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "spentUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "reservedUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "limitUsd" DECIMAL(24,12),

    CONSTRAINT "BudgetSpend_pkey" PRIMARY KEY ("budgetId","period")
);

-- Gateway keys' spend moves over as it is: a key's budget id is the key's id.
INSERT INTO "BudgetSpend" ("budgetId", "period", "spentUsd", "reservedUsd")
SELECT "gatewayKeyId", "period", "spentUsd", "reservedUsd" FROM "GatewayKeySpend";
DROP TABLE "GatewayKeySpend";

-- CreateTable
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "authTag" BYTEA NOT NULL,
    "keyVersion" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "organizationId" TEXT,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fannedOutAt" TIMESTAMPTZ(3),

    CONSTRAINT "AlertEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastStatusCode" INTEGER,
    "lastResponse" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AttributionBudget_projectId_scope_value_key" ON "AttributionBudget"("projectId", "scope", "value");

-- CreateIndex
CREATE INDEX "Webhook_organizationId_idx" ON "Webhook"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertEvent_eventKey_key" ON "AlertEvent"("eventKey");

-- CreateIndex
CREATE INDEX "AlertEvent_fannedOutAt_createdAt_idx" ON "AlertEvent"("fannedOutAt", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_eventId_key" ON "WebhookDelivery"("webhookId", "eventId");

-- AddForeignKey
ALTER TABLE "AttributionBudget" ADD CONSTRAINT "AttributionBudget_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "AlertEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
