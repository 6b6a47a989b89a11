import {
  AuthorizeDocument,
  ConnectedAccountsDocument,
  CreateSessionDocument,
  DeleteConnectedAccountDocument,
  DisableConnectedAccountDocument,
  EnableConnectedAccountDocument,
  IssueAccessTokenDocument,
  RevokeConnectedAccountDocument,
  SessionDocument,
  type AuthorizeInput,
  type ConnectedAccountsQueryVariables,
  type CreateSessionInput,
} from './generated/graphql.js';
import { postOperation, type Operation } from './http.js';
import type { ConnectionState, LinkOrAccount } from './status.js';
import { createSubscriber } from './subscriber.js';
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
  fetch?: typeof fetch;
}

function endpointsOf(url: string): { httpUrl: string; wsUrl: string } {
  const parsed = new URL(url);
  if (!parsed.pathname.replace(/\/+$/, '').endsWith('/graphql')) parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/graphql`;
  const httpUrl = parsed.toString();
  parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpUrl, wsUrl: parsed.toString() };
}

/** The client of one server for one token. Call `close()` to end its subscriptions' sockets. */
export function createConnectClient(options: ConnectClientOptions) {
  const { httpUrl, wsUrl } = endpointsOf(options.url);
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const http = { endpoint: httpUrl, token: options.token, fetch: fetchFn };
  const subscriber = createSubscriber({
    httpUrl,
    wsUrl,
    token: options.token,
    fetch: fetchFn,
    webSocketImpl: options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket ?? null,
    transport: options.transport ?? 'auto',
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
     * Resolves once the link's (or account's) account is ACTIVE; rejects with
     * ConnectionFailedError, ConnectionExpiredError, ConnectionRevokedError, WaitTimeoutError or
     * WaitAbortedError (all ConnectionWaitError, with `code` and the last `state`).
     */
    waitForConnection: (idOrLink: LinkOrAccount, waitOptions?: WaitOptions): Promise<ConnectionState> =>
      waitForConnection(subscriber, idOrLink, waitOptions),

    /** Closes the subscription sockets. */
    close: () => subscriber.dispose(),
  };
}

export type ConnectClient = ReturnType<typeof createConnectClient>;
