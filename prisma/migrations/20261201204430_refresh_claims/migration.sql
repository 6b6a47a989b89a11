-- AlterTable
ALTER TABLE "ConnectedAccount" ADD COLUMN     "lastRefreshAttemptAt" TIMESTAMP(3),
ADD COLUMN     "refreshClaimId" TEXT,
ADD COLUMN     "refreshClaimedUntil" TIMESTAMP(3),
ADD COLUMN     "tokenObtainedAt" TIMESTAMP(3);


-- Tokens stored before this column existed were obtained when last refreshed, or when connected.
UPDATE "ConnectedAccount" SET "tokenObtainedAt" = coalesce("lastRefreshedAt", "statusChangedAt")
WHERE "tokenExpiresAt" IS NOT NULL;
