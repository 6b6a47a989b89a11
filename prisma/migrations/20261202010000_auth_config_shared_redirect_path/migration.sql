-- AlterTable
ALTER TABLE "AuthConfig" ADD COLUMN     "sharedRedirectPath" BOOLEAN NOT NULL DEFAULT false;

-- OAuth configs made before per-toolkit redirect paths registered the shared path at their provider.
UPDATE "AuthConfig" SET "sharedRedirectPath" = true WHERE "authScheme" IN ('OAUTH1', 'OAUTH2');
