-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "revokedAt" TIMESTAMP(3);

-- Session client tokens now always expire (24 hours unless createSession asks otherwise). Sessions
-- created without an expiry get a day from the upgrade, instead of living forever or ending at once.
UPDATE "Session" SET "expiresAt" = now() + interval '24 hours' WHERE "expiresAt" IS NULL;
