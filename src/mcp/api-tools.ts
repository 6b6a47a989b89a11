import { STATUS_CODES } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { HeaderPair } from '../domain/connections/api-http.js';
import { proxyRequest, type ProxyResponse } from '../domain/connections/proxy.js';
import { rawIdOf } from '../domain/public-ids.js';
import { toolError, toolResult } from './results.js';
import type { ToolContext } from './tools.js';

/** Characters of the body a model reads; the rest is cut with a note saying how much (a page of JSON is far less). */
export const MODEL_BODY_CHARS = 20_000;

/** Response headers worth a model's attention: what the body is, where the next page is, when to try again. */
const USEFUL_HEADERS = /^(content-type|link|location|retry-after|(x-)?ratelimit(-[a-z-]+)?)$/i;

/** Content a model can read as text; anything else (images, archives) is described, not shown. */
const TEXTUAL = /^(text\/|application\/([a-z.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|graphql)\b)|[/+](json|xml)\b/i;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const callOutput = {
  connectedAccountId: z.string(),
  status: z.number().int().describe('HTTP status code of the API.'),
  headers: z.record(z.string(), z.string()).describe('The response headers worth reading: content-type, link (pagination), location, retry-after, rate limits.'),
  body: z.string().describe('The response body as shown to the model: JSON pretty-printed, cut when long.'),
  truncated: z.boolean().describe('Whether the body was cut.'),
};

/** A body for a model: pretty JSON or text, cut at a character boundary with a note. */
function bodyForModel(response: ProxyResponse, contentType: string | null): { shown: string; truncated: boolean } {
  if (response.body === '') return { shown: '', truncated: false };
  if (contentType && !TEXTUAL.test(contentType) && response.json === null) {
    // The proxy hands bodies over as UTF-8 text: a binary one is mangled, and its size with it.
    return { shown: `[${contentType} content, not shown]`, truncated: false };
  }
  const full = response.json !== null ? JSON.stringify(response.json, null, 2) : response.body;
  if (full.length <= MODEL_BODY_CHARS) return { shown: full, truncated: false };
  // Never split a surrogate pair: the cut text stays valid.
  const end = /[\uD800-\uDBFF]/.test(full[MODEL_BODY_CHARS - 1]!) ? MODEL_BODY_CHARS - 1 : MODEL_BODY_CHARS;
  const note = `\n… [cut here: ${full.length - end} more characters of ${full.length}; ask for less, e.g. a smaller page or fewer fields]`;
  return { shown: full.slice(0, end) + note, truncated: true };
}

function usefulHeaders(headers: readonly HeaderPair[]): Record<string, string> {
  return Object.fromEntries(headers.filter(({ name }) => USEFUL_HEADERS.test(name)).map(({ name, value }) => [name.toLowerCase(), value]));
}

/** JSON text without a content type is sent as JSON, which is what a model means by it. */
function withJsonContentType(headers: Record<string, string>, body: string | undefined): Record<string, string> {
  if (body === undefined || Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) return headers;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? { ...headers, 'content-type': 'application/json' } : headers;
  } catch {
    return headers;
  }
}

export function registerApiTools(server: McpServer, context: ToolContext): void {
  const { deps, caller } = context;

  server.registerTool(
    'call_api',
    {
      title: 'Call an app API',
      description:
        "Call the API of an app the user connected (GitHub, Gmail, …) as the user's account: the server adds the account's credentials, so never ask the user for keys or tokens. Give the connectedAccountId (from list_connections or connect_toolkit), the method and the path under the app's API (e.g. GET /user/repos). Returns the HTTP status, the useful headers and the body (long bodies are cut: ask for smaller pages).",
      inputSchema: {
        connectedAccountId: z.string().describe('The ACTIVE account to call as (from list_connections or connect_toolkit).'),
        method: z.enum(METHODS).optional().describe('HTTP method (default GET).'),
        path: z
          .string()
          .min(1)
          .max(8192)
          .describe("Path under the app's API base URL, with an optional query, e.g. \"/user/repos?per_page=5\"; it cannot leave the app's API."),
        query: z.record(z.string(), z.string()).optional().describe('Query parameters to add, e.g. {"q": "is:open"}.'),
        headers: z
          .record(z.string(), z.string())
          .optional()
          .describe('Request headers, e.g. {"Accept": "application/json"}. The server adds the credentials: never put keys or tokens here.'),
        body: z.string().optional().describe('Request body as text (not for GET or HEAD). JSON text goes as application/json unless a content-type header says otherwise.'),
      },
      outputSchema: callOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      try {
        const id = rawIdOf(args.connectedAccountId, 'ConnectedAccount', 'connectedAccountId');
        const headers = withJsonContentType(args.headers ?? {}, args.body);
        const response = await proxyRequest(
          deps,
          caller,
          {
            connectedAccountId: id,
            method: args.method ?? 'GET',
            path: args.path,
            query: Object.entries(args.query ?? {}).map(([name, value]) => ({ name, value })),
            headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
            body: args.body,
          },
        );
        const useful = usefulHeaders(response.headers);
        const { shown, truncated } = bodyForModel(response, useful['content-type'] ?? null);
        const statusLine = `HTTP ${response.status}${STATUS_CODES[response.status] ? ` ${STATUS_CODES[response.status]}` : ''}`;
        const hint =
          response.status === 401 ? '\nThe app refused the account\'s credentials: the user may need to reconnect it (connect_toolkit).' : '';
        const headerLines = Object.entries(useful).map(([name, value]) => `${name}: ${value}`);
        const text = [statusLine + hint, ...headerLines, '', shown || '(empty body)'].join('\n');
        return toolResult(text, { connectedAccountId: args.connectedAccountId, status: response.status, headers: useful, body: shown, truncated });
      } catch (error) {
        return toolError(deps.logger, 'call_api', error);
      }
    },
  );
}
