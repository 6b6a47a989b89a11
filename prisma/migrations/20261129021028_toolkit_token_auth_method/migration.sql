-- CreateEnum
CREATE TYPE "TokenAuthMethod" AS ENUM ('CLIENT_SECRET_POST', 'CLIENT_SECRET_BASIC');

-- AlterTable
ALTER TABLE "Toolkit" ADD COLUMN     "tokenAuthMethod" "TokenAuthMethod" NOT NULL DEFAULT 'CLIENT_SECRET_POST';
