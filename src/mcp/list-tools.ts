import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { listUserConnections, sessionToolkitChoices } from '../domain/connections/user-connections.js';
import { publicId } from '../domain/public-ids.js';
import { statusSchema, toolError, toolResult } from './results.js';
import { sessionOf } from './sessions.js';
import type { ToolContext } from './tools.js';

const toolkitChoiceSchema = z.object({
  toolkit: z.string().describe('Slug to pass to connect_toolkit.'),
  name: z.string(),
  authSchemes: z.array(z.string()),
  connected: z.boolean().describe('Whether the user has an ACTIVE account there.'),
  connectedAccountId: z.string().nullable(),
  status: statusSchema.nullable().describe("Status of the user's best account there; null when none."),
  statusReason: z.string().nullable(),
});

const connectionSchema = z.object({
  connectedAccountId: z.string(),
  toolkit: z.string(),
  toolkitName: z.string(),
  alias: z.string().nullable(),
  status: statusSchema,
  statusReason: z.string().nullable(),
  since: z.string().describe('When the account reached its status (ISO 8601).'),
});

export function registerListTools(server: McpServer, context: ToolContext): void {
  const { deps } = context;

  server.registerTool(
    'list_toolkits',
    {
      title: 'List toolkits',
      description:
        'Search the apps and services (toolkits: Gmail, GitHub, Slack, …) the user can connect in this conversation, and see which are connected already. Use it to find the slug to pass to connect_toolkit.',
      inputSchema: {
        search: z.string().max(100).optional().describe('Part of the name or slug, e.g. "mail"; omit to list all.'),
        limit: z.number().int().min(1).max(50).optional().describe('How many to return (default 20).'),
        ...context.sessionArgument,
      },
      outputSchema: { toolkits: z.array(toolkitChoiceSchema) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const session = await sessionOf(context, (args as { sessionId?: string }).sessionId);
        const choices = await sessionToolkitChoices(deps, session, args.search, args.limit ?? 20);
        const toolkits = choices.map(({ toolkit, account }) => ({
          toolkit: toolkit.slug,
          name: toolkit.name,
          authSchemes: toolkit.authSchemes,
          connected: account?.status === 'ACTIVE',
          connectedAccountId: account ? publicId('ConnectedAccount', account.id) : null,
          status: account?.status ?? null,
          statusReason: account?.statusReason ?? null,
        }));
        const lines = toolkits.map((t) => `- ${t.name} (${t.toolkit}): ${t.connected ? 'connected' : t.status ? `not usable (${t.status})` : 'not connected'}`);
        const text = toolkits.length === 0 ? 'No toolkit matches.' : `Toolkits the user can connect:\n${lines.join('\n')}`;
        return toolResult(text, { toolkits });
      } catch (error) {
        return toolError(deps.logger, 'list_toolkits', error);
      }
    },
  );

  server.registerTool(
    'list_connections',
    {
      title: 'List connections',
      description:
        "List the user's connected accounts: which app, which alias, whether each is usable (ACTIVE) and since when. Check this before asking the user to connect something.",
      inputSchema: {
        toolkit: z.string().optional().describe('Only this toolkit slug.'),
        ...context.sessionArgument,
      },
      outputSchema: { connections: z.array(connectionSchema) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const session = await sessionOf(context, (args as { sessionId?: string }).sessionId);
        const accounts = await listUserConnections(deps, context.caller, session.userId);
        const connections = accounts
          .filter((account) => !args.toolkit || account.toolkit.slug === args.toolkit)
          .map((account) => ({
            connectedAccountId: publicId('ConnectedAccount', account.id),
            toolkit: account.toolkit.slug,
            toolkitName: account.toolkit.name,
            alias: account.alias,
            status: account.status,
            statusReason: account.statusReason,
            since: account.statusChangedAt.toISOString(),
          }));
        const lines = connections.map(
          (c) =>
            `- ${c.toolkitName}${c.alias ? ` "${c.alias}"` : ''}: ${c.status}${c.statusReason ? ` (${c.statusReason})` : ''} since ${c.since} [connectedAccountId ${c.connectedAccountId}]`,
        );
        const text = connections.length === 0 ? 'The user has no connected accounts.' : `The user's accounts:\n${lines.join('\n')}`;
        return toolResult(text, { connections });
      } catch (error) {
        return toolError(deps.logger, 'list_connections', error);
      }
    },
  );
}
