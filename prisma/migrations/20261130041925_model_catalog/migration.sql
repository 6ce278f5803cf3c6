-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "allowedModels" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "deniedModels" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "cacheWrite1hTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "priceSource" TEXT,
ADD COLUMN     "reasoningTokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unitPrices" JSONB;

-- CreateTable
CREATE TABLE "ModelPriceOverride" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "organizationId" TEXT,
    "inputUsdPerMtok" DECIMAL(24,12) NOT NULL,
    "cachedInputUsdPerMtok" DECIMAL(24,12),
    "cacheWriteUsdPerMtok" DECIMAL(24,12),
    "cacheWrite1hUsdPerMtok" DECIMAL(24,12),
    "outputUsdPerMtok" DECIMAL(24,12) NOT NULL,
    "effectiveFrom" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),
    "note" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelPriceOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelAlias" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "organizationId" TEXT,
    "targets" TEXT[],
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ModelAlias_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelPriceOverride_provider_model_effectiveFrom_idx" ON "ModelPriceOverride"("provider", "model", "effectiveFrom");

-- CreateIndex
CREATE INDEX "ModelPriceOverride_organizationId_idx" ON "ModelPriceOverride"("organizationId");

-- CreateIndex
CREATE INDEX "ModelAlias_name_idx" ON "ModelAlias"("name");

-- AddForeignKey
ALTER TABLE "ModelPriceOverride" ADD CONSTRAINT "ModelPriceOverride_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
