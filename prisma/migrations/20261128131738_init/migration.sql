-- CreateEnum
CREATE TYPE "AuthScheme" AS ENUM ('OAUTH2', 'OAUTH1', 'API_KEY', 'BEARER_TOKEN', 'BASIC', 'NO_AUTH');

-- CreateEnum
CREATE TYPE "AuthConfigKind" AS ENUM ('MANAGED', 'CUSTOM');

-- CreateEnum
CREATE TYPE "AuthConfigStatus" AS ENUM ('ENABLED', 'DISABLED');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED');

-- CreateEnum
CREATE TYPE "ConnectLinkStatus" AS ENUM ('PENDING', 'COMPLETED', 'FAILED', 'EXPIRED');

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "logoUrl" TEXT,
    "accentColor" TEXT,
    "allowedCallbackOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "connectLinkTtlSeconds" INTEGER NOT NULL DEFAULT 600,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Toolkit" (
    "id" TEXT NOT NULL,
    "projectId" TEXT,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "logoUrl" TEXT,
    "categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "authSchemes" "AuthScheme"[],
    "oauthVersion" INTEGER,
    "authorizeUrl" TEXT,
    "tokenUrl" TEXT,
    "requestTokenUrl" TEXT,
    "revokeUrl" TEXT,
    "userInfoUrl" TEXT,
    "defaultScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "scopeDelimiter" TEXT NOT NULL DEFAULT ' ',
    "pkce" BOOLEAN NOT NULL DEFAULT false,
    "fields" JSONB NOT NULL DEFAULT '[]',
    "apiBaseUrl" TEXT,
    "catalogHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Toolkit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthConfig" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "toolkitId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AuthConfigKind" NOT NULL DEFAULT 'CUSTOM',
    "authScheme" "AuthScheme" NOT NULL,
    "encryptedCredentials" TEXT,
    "credentialsKeyId" TEXT,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "AuthConfigStatus" NOT NULL DEFAULT 'ENABLED',
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectedAccount" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "toolkitId" TEXT NOT NULL,
    "authConfigId" TEXT NOT NULL,
    "alias" TEXT,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'INITIATED',
    "statusReason" TEXT,
    "encryptedCredentials" TEXT,
    "credentialsKeyId" TEXT,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tokenExpiresAt" TIMESTAMP(3),
    "nextRefreshAt" TIMESTAMP(3),
    "lastRefreshedAt" TIMESTAMP(3),
    "refreshAttempts" INTEGER NOT NULL DEFAULT 0,
    "lastRefreshError" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "statusChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectedAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "toolkits" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "clientTokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SessionAuthConfig" (
    "sessionId" TEXT NOT NULL,
    "authConfigId" TEXT NOT NULL,

    CONSTRAINT "SessionAuthConfig_pkey" PRIMARY KEY ("sessionId","authConfigId")
);

-- CreateTable
CREATE TABLE "ConnectLink" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "connectedAccountId" TEXT NOT NULL,
    "authConfigId" TEXT NOT NULL,
    "callbackUrl" TEXT,
    "status" "ConnectLinkStatus" NOT NULL DEFAULT 'PENDING',
    "browserBindingHash" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "consumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectionEvent" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "connectedAccountId" TEXT,
    "connectLinkId" TEXT,
    "type" TEXT NOT NULL,
    "status" "ConnectionStatus" NOT NULL,
    "statusReason" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "ConnectionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OAuthSession" (
    "id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OAuthSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Project_isDefault_idx" ON "Project"("isDefault");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_projectId_idx" ON "ApiKey"("projectId");

-- CreateIndex
CREATE INDEX "Toolkit_slug_idx" ON "Toolkit"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Toolkit_projectId_slug_key" ON "Toolkit"("projectId", "slug");

-- CreateIndex
CREATE INDEX "AuthConfig_projectId_toolkitId_idx" ON "AuthConfig"("projectId", "toolkitId");

-- CreateIndex
CREATE INDEX "ConnectedAccount_projectId_userId_toolkitId_idx" ON "ConnectedAccount"("projectId", "userId", "toolkitId");

-- CreateIndex
CREATE INDEX "ConnectedAccount_projectId_status_idx" ON "ConnectedAccount"("projectId", "status");

-- CreateIndex
CREATE INDEX "ConnectedAccount_nextRefreshAt_idx" ON "ConnectedAccount"("nextRefreshAt");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectedAccount_projectId_userId_toolkitId_alias_key" ON "ConnectedAccount"("projectId", "userId", "toolkitId", "alias");

-- CreateIndex
CREATE UNIQUE INDEX "Session_clientTokenHash_key" ON "Session"("clientTokenHash");

-- CreateIndex
CREATE INDEX "Session_projectId_userId_idx" ON "Session"("projectId", "userId");

-- CreateIndex
CREATE INDEX "SessionAuthConfig_authConfigId_idx" ON "SessionAuthConfig"("authConfigId");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectLink_tokenHash_key" ON "ConnectLink"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectLink_browserBindingHash_key" ON "ConnectLink"("browserBindingHash");

-- CreateIndex
CREATE INDEX "ConnectLink_sessionId_idx" ON "ConnectLink"("sessionId");

-- CreateIndex
CREATE INDEX "ConnectLink_connectedAccountId_idx" ON "ConnectLink"("connectedAccountId");

-- CreateIndex
CREATE INDEX "ConnectLink_status_expiresAt_idx" ON "ConnectLink"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_connectedAccountId_occurredAt_idx" ON "ConnectionEvent"("connectedAccountId", "occurredAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_projectId_occurredAt_idx" ON "ConnectionEvent"("projectId", "occurredAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_publishedAt_idx" ON "ConnectionEvent"("publishedAt");

-- CreateIndex
CREATE INDEX "OAuthSession_expiresAt_idx" ON "OAuthSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Toolkit" ADD CONSTRAINT "Toolkit_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthConfig" ADD CONSTRAINT "AuthConfig_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthConfig" ADD CONSTRAINT "AuthConfig_toolkitId_fkey" FOREIGN KEY ("toolkitId") REFERENCES "Toolkit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectedAccount" ADD CONSTRAINT "ConnectedAccount_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectedAccount" ADD CONSTRAINT "ConnectedAccount_toolkitId_fkey" FOREIGN KEY ("toolkitId") REFERENCES "Toolkit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectedAccount" ADD CONSTRAINT "ConnectedAccount_authConfigId_fkey" FOREIGN KEY ("authConfigId") REFERENCES "AuthConfig"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionAuthConfig" ADD CONSTRAINT "SessionAuthConfig_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionAuthConfig" ADD CONSTRAINT "SessionAuthConfig_authConfigId_fkey" FOREIGN KEY ("authConfigId") REFERENCES "AuthConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectLink" ADD CONSTRAINT "ConnectLink_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectLink" ADD CONSTRAINT "ConnectLink_connectedAccountId_fkey" FOREIGN KEY ("connectedAccountId") REFERENCES "ConnectedAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectLink" ADD CONSTRAINT "ConnectLink_authConfigId_fkey" FOREIGN KEY ("authConfigId") REFERENCES "AuthConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionEvent" ADD CONSTRAINT "ConnectionEvent_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionEvent" ADD CONSTRAINT "ConnectionEvent_connectedAccountId_fkey" FOREIGN KEY ("connectedAccountId") REFERENCES "ConnectedAccount"("id") ON DELETE SET NULL ON UPDATE CASCADE;
