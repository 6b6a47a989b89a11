import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { revokeAccount } from '../domain/connections/connected-accounts.js';
import { ensureConnection } from '../domain/connections/ensure-connection.js';
import { MAX_WAIT_SECONDS, waitForConnection, type WaitOutcome } from '../domain/connections/wait-for-connection.js';
import type { DomainDeps } from '../domain/deps.js';
import { publicId, rawIdOf } from '../domain/public-ids.js';
import { statusSchema, toolError, toolResult } from './results.js';
import { sessionOf } from './sessions.js';
import type { ToolContext } from './tools.js';

/** While waiting, a progress notification this often tells the client the call is alive. */
const PROGRESS_HEARTBEAT_MS = 10_000;

const connectOutput = {
  toolkit: z.string(),
  alias: z.string().nullable(),
  status: statusSchema.describe('ACTIVE: usable now. INITIATED: the user must open `url` first.'),
  connectedAccountId: z.string(),
  connectLinkId: z.string().nullable(),
  url: z.string().nullable().describe('The link for the user; null when already connected.'),
  expiresAt: z.string().nullable().describe('When the link stops working (ISO 8601).'),
  message: z.string().describe('One sentence to show the user as is.'),
};

const waitOutput = {
  status: statusSchema,
  statusReason: z.string().nullable().describe('Why, for FAILED and EXPIRED (e.g. access_denied, INITIATION_TIMEOUT).'),
  connectedAccountId: z.string(),
  connectLinkId: z.string().nullable(),
  finished: z.boolean().describe('True when the flow ended; false when the wait timed out first.'),
};

const disconnectOutput = {
  connectedAccountId: z.string(),
  status: statusSchema,
  statusReason: z.string().nullable(),
  providerRevoked: z.boolean().describe('Whether the provider confirmed the revocation.'),
};

/** What the model should read about the end of a wait. */
function describeOutcome(toolkitName: string, { state, ended }: WaitOutcome, waitedSeconds: number): string {
  const reason = state.statusReason ? ` (reason: ${state.statusReason})` : '';
  if (!ended) {
    return `The user has not finished connecting ${toolkitName} after ${waitedSeconds} seconds (status ${state.status}). Call wait_for_connection again to keep waiting, or ask the user whether they opened the link.`;
  }
  switch (state.status) {
    case 'ACTIVE':
      return `The user connected ${toolkitName}: the account is ACTIVE. Carry on with the task.`;
    case 'FAILED':
      return `Connecting ${toolkitName} failed${reason}. Tell the user; if they want to try again, call connect_toolkit for a new link.`;
    case 'EXPIRED':
      return `The ${toolkitName} link ended before the user connected${reason}. If the user still wants to connect, call connect_toolkit for a new link.`;
    default:
      return `The ${toolkitName} account is ${state.status}${reason}; no connection is in progress. Call connect_toolkit to start one.`;
  }
}

async function toolkitNameOf(deps: DomainDeps, connectedAccountId: string): Promise<string> {
  const account = await deps.prisma.connectedAccount.findUnique({ where: { id: connectedAccountId }, select: { toolkit: { select: { name: true } } } });
  return account?.toolkit.name ?? 'the account';
}

export function registerConnectionTools(server: McpServer, context: ToolContext): void {
  const { deps, caller } = context;

  server.registerTool(
    'connect_toolkit',
    {
      title: 'Connect a toolkit',
      description:
        "Make sure the user's account at an app (toolkit) is connected before using it. If it is, says so. If not, returns a link: show the `message` (it contains the link) to the user exactly as is, then call wait_for_connection with the returned connectLinkId. Calling again while the link is pending returns the same link.",
      inputSchema: {
        toolkit: z.string().min(1).describe('Toolkit slug, e.g. "gmail" or "github" (see list_toolkits).'),
        alias: z.string().min(1).max(100).optional().describe('Which of several accounts at the same app, e.g. "work"; omit for the usual one.'),
        ...context.sessionArgument,
      },
      outputSchema: connectOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const session = await sessionOf(context, (args as { sessionId?: string }).sessionId);
        const ensured = await ensureConnection(deps, caller, { sessionId: session.id, toolkit: args.toolkit, alias: args.alias });
        const connectedAccountId = publicId('ConnectedAccount', ensured.account.id);
        const connectLinkId = ensured.link ? publicId('ConnectLink', ensured.link.id) : null;
        const text =
          ensured.status === 'ACTIVE'
            ? `${ensured.message} It can be used now (connectedAccountId ${connectedAccountId}).`
            : `${ensured.message}\nShow this to the user exactly as is, then call wait_for_connection with connectLinkId "${connectLinkId}" to continue once they have connected.`;
        return toolResult(text, {
          toolkit: args.toolkit,
          alias: args.alias ?? null,
          status: ensured.status,
          connectedAccountId,
          connectLinkId,
          url: ensured.url,
          expiresAt: ensured.link?.expiresAt.toISOString() ?? null,
          message: ensured.message,
        });
      } catch (error) {
        return toolError(deps.logger, 'connect_toolkit', error);
      }
    },
  );

  server.registerTool(
    'wait_for_connection',
    {
      title: 'Wait for a connection',
      description:
        'Wait until the user finished connecting (after connect_toolkit): returns as soon as the account is ACTIVE, or the flow FAILED or EXPIRED (with the reason), or when the timeout passes. Pass the connectLinkId from connect_toolkit (or a connectedAccountId).',
      inputSchema: {
        connectLinkId: z.string().optional().describe('From connect_toolkit.'),
        connectedAccountId: z.string().optional().describe('Instead of connectLinkId: wait for this account.'),
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(MAX_WAIT_SECONDS)
          .optional()
          .describe(`How long to wait at most (default 120, at most ${MAX_WAIT_SECONDS}).`),
      },
      outputSchema: waitOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args, extra) => {
      const progressToken = extra._meta?.progressToken;
      let progress = 0;
      const began = Date.now();
      const report = async (message: string) => {
        if (progressToken === undefined) return;
        progress += 1;
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, message } }).catch(() => {});
      };
      const heartbeat = setInterval(() => void report(`Still waiting for the user (${Math.round((Date.now() - began) / 1000)} s).`), PROGRESS_HEARTBEAT_MS);
      heartbeat.unref();
      try {
        const timeoutSeconds = args.timeoutSeconds ?? 120;
        const outcome = await waitForConnection(deps, caller, {
          connectLinkId: args.connectLinkId ? rawIdOf(args.connectLinkId, 'ConnectLink', 'connectLinkId') : undefined,
          connectedAccountId: args.connectedAccountId ? rawIdOf(args.connectedAccountId, 'ConnectedAccount', 'connectedAccountId') : undefined,
          timeoutMs: timeoutSeconds * 1000,
          signal: extra.signal,
          onState: (state) => report(`Status: ${state.status}${state.statusReason ? ` (${state.statusReason})` : ''}`),
        });
        const { state } = outcome;
        const name = await toolkitNameOf(deps, state.connectedAccountId);
        return toolResult(describeOutcome(name, outcome, Math.round((Date.now() - began) / 1000)), {
          status: state.status,
          statusReason: state.statusReason,
          connectedAccountId: publicId('ConnectedAccount', state.connectedAccountId),
          connectLinkId: state.connectLinkId ? publicId('ConnectLink', state.connectLinkId) : null,
          finished: outcome.ended,
        });
      } catch (error) {
        return toolError(deps.logger, 'wait_for_connection', error);
      } finally {
        clearInterval(heartbeat);
      }
    },
  );

  server.registerTool(
    'disconnect_account',
    {
      title: 'Disconnect an account',
      description:
        "Disconnect one of the user's accounts (\"disconnect my GitHub\"): revokes its access at the app and marks it REVOKED. Only when the user asked for it. Get the connectedAccountId from list_connections.",
      inputSchema: { connectedAccountId: z.string().describe('From list_connections.') },
      outputSchema: disconnectOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      try {
        const id = rawIdOf(args.connectedAccountId, 'ConnectedAccount', 'connectedAccountId');
        const { account, providerRevoked } = await revokeAccount(deps, caller, { id });
        const text = `The ${account.toolkit.name} account is disconnected (REVOKED)${providerRevoked ? ' and its access was revoked at the provider' : ''}.`;
        return toolResult(text, {
          connectedAccountId: args.connectedAccountId,
          status: account.status,
          statusReason: account.statusReason,
          providerRevoked,
        });
      } catch (error) {
        return toolError(deps.logger, 'disconnect_account', error);
      }
    },
  );
}
