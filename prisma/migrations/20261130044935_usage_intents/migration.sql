-- CreateTable
CREATE TABLE "UsageIntent" (
    "requestId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "gatewayKeyId" TEXT NOT NULL,
    "provider" TEXT,
    "model" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL DEFAULT 'openai-chat',
    "keySource" "KeySource",
    "keyRef" TEXT,
    "streamed" BOOLEAN NOT NULL DEFAULT false,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "upstreamCostUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "billedCostUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "costKnown" BOOLEAN NOT NULL DEFAULT true,
    "unitPrices" JSONB,
    "priceSource" TEXT,
    "debitUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "leaseId" TEXT,
    "budgetPeriod" TEXT,
    "budgetReservedUsd" DECIMAL(24,12),
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "UsageIntent_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "GatewayInstance" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GatewayInstance_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageIntent_instanceId_idx" ON "UsageIntent"("instanceId");
