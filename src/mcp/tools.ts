import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Caller } from '../domain/access/caller.js';
import type { DomainDeps } from '../domain/deps.js';
import { registerApiTools } from './api-tools.js';
import { registerConnectionTools } from './connection-tools.js';
import { registerListTools } from './list-tools.js';

/** What every tool of one request works with: the app's services and who is calling. */
export interface ToolContext {
  deps: DomainDeps;
  caller: Caller;
  /**
   * Extra argument shapes for a project API key, which is not tied to one session: it names
   * the session (and so the user) in each call. A session client token gets none of them, so
   * the model never sees an argument it must not fill.
   */
  sessionArgument: { sessionId?: z.ZodString };
}

/** Registers the tools on a server built for one request of one caller. */
export function registerTools(server: McpServer, deps: DomainDeps, caller: Caller): void {
  const context: ToolContext = {
    deps,
    caller,
    sessionArgument:
      caller.kind === 'apiKey'
        ? { sessionId: z.string().describe('ID of the session to act in (from createSession); it names the end user.') }
        : {},
  };
  registerListTools(server, context);
  registerConnectionTools(server, context);
  registerApiTools(server, context);
}
