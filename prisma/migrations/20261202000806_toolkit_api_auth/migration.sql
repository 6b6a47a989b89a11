-- AlterTable
ALTER TABLE "Toolkit" ADD COLUMN     "apiAuth" JSONB;
