-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "ingestXid" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateTable
CREATE TABLE "UsageRollupHourly" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "organizationId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "gatewayKeyId" TEXT NOT NULL,
    "keyRef" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "keySource" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "failureClass" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "cachedInputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "upstreamCostUsd" DECIMAL(24,12) NOT NULL,
    "platformCostUsd" DECIMAL(24,12) NOT NULL,
    "billedCostUsd" DECIMAL(24,12) NOT NULL,
    "failures" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "costUnknown" INTEGER NOT NULL,
    "latencyHistogram" INTEGER[],
    "ttftHistogram" INTEGER[],
    "latencyBucketMin" INTEGER,
    "latencyBucketMax" INTEGER,
    "ttftBucketMin" INTEGER,
    "ttftBucketMax" INTEGER,

    CONSTRAINT "UsageRollupHourly_pkey" PRIMARY KEY ("bucket","organizationId","projectId","gatewayKeyId","keyRef","provider","model","keySource","status","failureClass")
);

-- CreateTable
CREATE TABLE "UsageRollupDaily" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "organizationId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "gatewayKeyId" TEXT NOT NULL,
    "keyRef" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "keySource" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "failureClass" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "cachedInputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "upstreamCostUsd" DECIMAL(24,12) NOT NULL,
    "platformCostUsd" DECIMAL(24,12) NOT NULL,
    "billedCostUsd" DECIMAL(24,12) NOT NULL,
    "failures" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "costUnknown" INTEGER NOT NULL,
    "latencyHistogram" INTEGER[],
    "ttftHistogram" INTEGER[],
    "latencyBucketMin" INTEGER,
    "latencyBucketMax" INTEGER,
    "ttftBucketMin" INTEGER,
    "ttftBucketMax" INTEGER,

    CONSTRAINT "UsageRollupDaily_pkey" PRIMARY KEY ("bucket","organizationId","projectId","gatewayKeyId","keyRef","provider","model","keySource","status","failureClass")
);

-- CreateTable
CREATE TABLE "UsageRollupState" (
    "id" INTEGER NOT NULL,
    "horizon" BIGINT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageRollupState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageRecord_ingestXid_idx" ON "UsageRecord"("ingestXid");
