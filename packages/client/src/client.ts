import {
  AuthorizeDocument,
  ConnectedAccountsDocument,
  CreateSessionDocument,
  DeleteConnectedAccountDocument,
  DisableConnectedAccountDocument,
  EnsureConnectionDocument,
  EnableConnectedAccountDocument,
  IssueAccessTokenDocument,
  ProxyRequestDocument,
  RevokeConnectedAccountDocument,
  SessionDocument,
  type AuthorizeInput,
  type ConnectedAccountsQueryVariables,
  type CreateSessionInput,
  type EnsureConnectionInput,
  type ProxyRequestInput,
} from './generated/graphql.js';
import { postOperation, type Operation } from './http.js';
import type { ConnectionState, LinkOrAccount } from './status.js';
import { createSubscriber } from './subscriber.js';
import { callTool, toolDefinitionsFor, type ToolCallResult, type ToolDefinition } from './tools.js';
import type { TransportName, WebSocketConstructor } from './transports.js';
import { waitForConnection, type WaitOptions } from './wait.js';

export interface ConnectClientOptions {
  /** The server (`https://connect.example.com`) or its GraphQL endpoint (`…/graphql`). */
  url: string;
  /** A project API key (`csk_…`, servers only) or a session client token (`cst_…`, fine in a browser). */
  token: string;
  /**
   * The WebSocket class for graphql-ws. Default: the runtime's global `WebSocket` (browsers,
   * Node 22+); pass `ws`'s on older Node. Without one, subscriptions use Server-Sent Events.
   */
  webSocketImpl?: WebSocketConstructor;
  /** `auto` (default): WebSocket, SSE when a WebSocket cannot be opened. */
  transport?: 'auto' | TransportName;
  /**
   * WebSocket keep-alive: a ping this often, and a pong expected within the same time, else the
   * connection counts as dropped and subscriptions resubscribe. Default 15 000.
   */
  keepAliveMs?: number;
  fetch?: typeof fetch;
}

function endpointsOf(url: string): { httpUrl: string; wsUrl: string; mcpUrl: string } {
  const parsed = new URL(url);
  const base = parsed.pathname.replace(/\/+$/, '').replace(/\/graphql$/, '');
  parsed.pathname = `${base}/mcp`;
  const mcpUrl = parsed.toString();
  parsed.pathname = `${base}/graphql`;
  const httpUrl = parsed.toString();
  parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpUrl, wsUrl: parsed.toString(), mcpUrl };
}

/** The client of one server for one token. Call `close()` to end its subscriptions' sockets. */
export function createConnectClient(options: ConnectClientOptions) {
  const { httpUrl, wsUrl, mcpUrl } = endpointsOf(options.url);
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const http = { endpoint: httpUrl, token: options.token, fetch: fetchFn };
  const subscriber = createSubscriber({
    httpUrl,
    wsUrl,
    token: options.token,
    fetch: fetchFn,
    webSocketImpl: options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket ?? null,
    transport: options.transport ?? 'auto',
    keepAliveMs: options.keepAliveMs ?? 15_000,
  });

  const request = <Result, Variables>(operation: Operation<Result, Variables>, variables?: Variables, signal?: AbortSignal) =>
    postOperation(http, operation, variables, signal);

  return {
    /** Any operation: a generated document (typed) or a query string. Throws GraphQLRequestError. */
    request,
    /** The transport of the latest subscription (`ws` or `sse`); null before the first. */
    get transport(): TransportName | null {
      return subscriber.transport;
    },

    /**
     * Makes sure the session's user is connected to a toolkit: the ACTIVE account (no link), or a
     * Connect Link and a `message` to show as is (the same link while it is pending). Then
     * `waitForConnection(payload)`.
     */
    ensureConnection: async (input: EnsureConnectionInput) => (await request(EnsureConnectionDocument, { input })).ensureConnection,
    /** A Connect Link for the session's user to connect a toolkit (or re-authorize an account). */
    authorize: async (input: AuthorizeInput) => (await request(AuthorizeDocument, { input })).authorize,
    /** Connected accounts, newest first; a session client token sees only its user's. */
    connectedAccounts: async (variables: ConnectedAccountsQueryVariables = {}) =>
      (await request(ConnectedAccountsDocument, variables)).connectedAccounts,
    /** A session, with per toolkit whether its user is connected; null when not visible. */
    session: async (id: string) => (await request(SessionDocument, { id })).session,
    /** A session for an end user, and its client token for the chat UI (API key only). */
    createSession: async (input: CreateSessionInput) => (await request(CreateSessionDocument, { input })).createSession,
    disableConnectedAccount: async (id: string) => (await request(DisableConnectedAccountDocument, { input: { id } })).disableConnectedAccount.connectedAccount,
    enableConnectedAccount: async (id: string) => (await request(EnableConnectedAccountDocument, { input: { id } })).enableConnectedAccount.connectedAccount,
    revokeConnectedAccount: async (id: string) => (await request(RevokeConnectedAccountDocument, { input: { id } })).revokeConnectedAccount,
    deleteConnectedAccount: async (id: string, options: { revoke?: boolean } = {}) =>
      (await request(DeleteConnectedAccountDocument, { input: { id, ...options } })).deleteConnectedAccount,
    /** Usable credentials for tool execution (project API key only; the one call returning a secret). */
    issueAccessToken: async (connectedAccountId: string) => (await request(IssueAccessTokenDocument, { input: { connectedAccountId } })).issueAccessToken,
    /**
     * Calls the toolkit's API as the account (`{ connectedAccountId, method, path, query, headers, body }`); the server
     * adds the credentials, which never reach this client. Returns `{ status, headers, body, json }`. A session client
     * token may call only its own user's accounts.
     */
    proxyRequest: async (input: ProxyRequestInput) => (await request(ProxyRequestDocument, { input })).proxyRequest,

    /**
     * Resolves once the link's (or account's) account is ACTIVE; rejects with
     * ConnectionFailedError, ConnectionExpiredError, ConnectionRevokedError, WaitTimeoutError or
     * WaitAbortedError (all ConnectionWaitError, with `code` and the last `state`).
     */
    waitForConnection: (idOrLink: LinkOrAccount, waitOptions?: WaitOptions): Promise<ConnectionState> =>
      waitForConnection(subscriber, idOrLink, waitOptions),

    /**
     * The MCP server's six tools as JSON-schema function definitions, for agent frameworks that
     * do not speak MCP. With a project API key the tools acting for a user take `sessionId`.
     */
    toolDefinitions: (): ToolDefinition[] => toolDefinitionsFor(options.token),
    /** Runs a tool the model called, on the server's MCP endpoint; failures come back as `isError` results. */
    handleToolCall: (name: string, args: Record<string, unknown> = {}, signal?: AbortSignal): Promise<ToolCallResult> =>
      callTool({ mcpUrl, token: options.token, fetch: fetchFn }, name, args, signal),

    /** Closes the subscription sockets. */
    close: () => subscriber.dispose(),
  };
}

export type ConnectClient = ReturnType<typeof createConnectClient>;
