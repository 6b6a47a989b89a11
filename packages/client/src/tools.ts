import { ConnectError } from './errors.js';
import { SESSION_ID_PARAMETER, TOOLS, type ToolDefinition } from './tool-definitions.js';

export type { JsonSchemaObject, ToolDefinition } from './tool-definitions.js';

/** What a tool answered: the text for the model, and the same facts as data for programs. */
export interface ToolCallResult {
  /** Show this to the model as the tool's output. */
  text: string;
  /** `connectedAccountId`, `connectLinkId`, `url`, `status`, `statusReason`… as the tool's outputSchema says; null on errors. */
  structuredContent: Record<string, unknown> | null;
  /** The tool failed (unknown toolkit, another user's account…); `text` says why, starting with the error code. */
  isError: boolean;
}

/** Session client tokens start with `cst_`; anything else is a project API key. */
export function isSessionToken(token: string): boolean {
  return token.startsWith('cst_');
}

/**
 * The six tools as the MCP server lists them for this token: with a project API key, the tools
 * that act for a user take a `sessionId` argument; with a session client token they do not.
 */
export function toolDefinitionsFor(token: string): ToolDefinition[] {
  const withSession = !isSessionToken(token);
  return TOOLS.map(({ takesSessionId, ...tool }) => {
    const definition = structuredClone(tool);
    if (withSession && takesSessionId) {
      definition.parameters.properties.sessionId = { ...SESSION_ID_PARAMETER };
      definition.parameters.required = [...(definition.parameters.required ?? []), 'sessionId'];
    }
    return definition;
  });
}

interface JsonRpcAnswer {
  id?: number | string | null;
  result?: { content?: { type: string; text?: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };
  error?: { code: number; message: string };
}

/** The JSON-RPC answer with our id, from a JSON body or an SSE stream (progress notifications skipped). */
async function answerOf(response: Response, id: number): Promise<JsonRpcAnswer> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream')) return (await response.json()) as JsonRpcAnswer;
  const text = await response.text();
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) continue;
    const message = JSON.parse(data) as JsonRpcAnswer;
    if (message.id === id) return message;
  }
  throw new ConnectError('MCP_ERROR', 'the MCP endpoint closed the stream without an answer');
}

let nextId = 1;

/**
 * Runs one tool on the server's MCP endpoint (stateless Streamable HTTP: one POST per call), so
 * its behaviour and texts are the server's own. `wait_for_connection` holds the request open
 * until the flow ends or its timeout passes, as the server waits on its event bus.
 */
export async function callTool(
  options: { mcpUrl: string; token: string; fetch: typeof fetch },
  name: string,
  args: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<ToolCallResult> {
  if (!TOOLS.some((tool) => tool.name === name)) throw new ConnectError('UNKNOWN_TOOL', `no tool named "${name}"`);
  const id = nextId++;
  const response = await options.fetch(options.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${options.token}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
    signal,
  });
  if (response.status === 401) throw new ConnectError('UNAUTHENTICATED', 'the MCP endpoint refused the token');
  const answer = await answerOf(response, id).catch((error: unknown) => {
    if (error instanceof ConnectError) throw error;
    throw new ConnectError(`HTTP_${response.status}`, `the MCP endpoint answered HTTP ${response.status} without a JSON-RPC answer`, { cause: error });
  });
  if (answer.error) throw new ConnectError('MCP_ERROR', answer.error.message);
  const result = answer.result ?? {};
  return {
    text: (result.content ?? []).map((part) => part.text ?? '').join('\n'),
    structuredContent: result.structuredContent ?? null,
    isError: result.isError === true,
  };
}
