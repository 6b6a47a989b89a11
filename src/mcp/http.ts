import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AUTHENTICATION_MESSAGES, authenticateBearer } from '../domain/access/authenticate.js';
import type { DomainDeps } from '../domain/deps.js';
import { registerTools } from './tools.js';

export const MCP_PATH = '/mcp';
const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON-RPC error answered before the MCP server sees the request (no id: none was read). */
function refuse(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: 'Request body too large.' };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: 'Parse error: the body is not JSON.' };
  }
}

/**
 * The Model Context Protocol at `/mcp`, Streamable HTTP, stateless: every POST is authenticated
 * on its own (a session client token acts as its session's user; a project API key names the
 * session per tool call) and served by a fresh server, so any instance can serve any request
 * and nothing is kept between them. A tool that waits streams its progress on that POST's
 * response (Server-Sent Events). GET and DELETE, which only matter to stateful servers, are refused.
 */
export function createMcpRoutes(deps: DomainDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== MCP_PATH) return false;
    if (req.method !== 'POST') {
      refuse(res, 405, -32000, 'Method not allowed: this MCP server is stateless; send POST.', { allow: 'POST' });
      return true;
    }
    const authentication = await authenticateBearer(deps, req.headers.authorization);
    if (!authentication.ok) {
      refuse(res, 401, -32001, AUTHENTICATION_MESSAGES[authentication.reason], { 'www-authenticate': 'Bearer' });
      return true;
    }
    const body = await readJson(req);
    if (!body.ok) {
      refuse(res, body.status, -32700, body.message);
      return true;
    }
    const server = new McpServer(
      { name: 'connect-server', version: '0.1.0' },
      {
        instructions:
          "Connects the user's accounts (Gmail, GitHub, …) from the chat: connect_toolkit gives a link for the user, wait_for_connection returns once they connected, call_api then calls the app's API as that account.",
      },
    );
    registerTools(server, deps, authentication.caller);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body.body);
    return true;
  };
}
