import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';

/** An MCP client (the SDK's own) of the server at `url`, authenticated with `token`. */
export async function mcpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

export interface ToolCall {
  result: CallToolResult;
  text: string;
  structured: Record<string, any>;
}

/** Calls a tool; `onProgress` asks for progress notifications (the client sends a progressToken). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  onProgress?: (progress: Progress) => void,
): Promise<ToolCall> {
  const result = (await client.callTool({ name, arguments: args }, undefined, {
    ...(onProgress ? { onprogress: onProgress, resetTimeoutOnProgress: true } : {}),
    timeout: 120_000,
  })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return { result, text, structured: (result.structuredContent ?? {}) as Record<string, any> };
}

/** Resolves when the first progress notification arrives: the server is waiting by then. */
export function firstProgress(): { onProgress: (progress: Progress) => void; seen: Promise<Progress>; all: Progress[] } {
  const all: Progress[] = [];
  let resolve!: (progress: Progress) => void;
  const seen = new Promise<Progress>((r) => (resolve = r));
  return {
    all,
    seen,
    onProgress: (progress) => {
      all.push(progress);
      resolve(progress);
    },
  };
}
