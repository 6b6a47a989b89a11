-- AlterTable
ALTER TABLE "AuthConfig" ADD COLUMN     "userScopes" TEXT[] DEFAULT ARRAY[]::TEXT[];
