/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Input of authorize. */
export type AuthorizeInput = {
  /** Which of the user's accounts at the toolkit (unique per user and toolkit); default: the unnamed one. */
  alias?: string | null | undefined;
  /** Auth config to use (default: the session's pin, the project's default, managed). Project API key only: a session client token may name only the one that applies. */
  authConfigId?: string | null | undefined;
  /** Where to send the browser afterwards (an allowed origin of the project); gets status and connected_account_id. */
  callbackUrl?: string | null | undefined;
  /** Re-authorize this existing account in place (same id; status kept until success). */
  connectedAccountId?: string | null | undefined;
  /** The session of the end user. */
  sessionId: string;
  /** Slug of the toolkit to connect. */
  toolkit: string;
};

/** Where a Connect Link stands. */
export type ConnectLinkStatus =
  /** Used: the account was connected. */
  | 'COMPLETED'
  /** Not used in time. */
  | 'EXPIRED'
  /** The flow ended without a connection. */
  | 'FAILED'
  /** Usable: the user has not finished yet. */
  | 'PENDING';

/** Where a connected account (or a Connect Link flow) stands. */
export type ConnectionStatus =
  /** Connected: credentials are stored and usable. */
  | 'ACTIVE'
  /** The link was not used in time, or the provider revoked the grant. */
  | 'EXPIRED'
  /** The user or the provider refused, or the flow broke. */
  | 'FAILED'
  /** Disabled by the developer; credentials are kept but not handed out. */
  | 'INACTIVE'
  /** A Connect Link was created; the user has not finished yet. */
  | 'INITIATED'
  /** Revoked; the credentials are gone. */
  | 'REVOKED';

/** Input of createSession. */
export type CreateSessionInput = {
  /** Auth configs to use, at most one per toolkit. */
  authConfigs?: Array<string> | null | undefined;
  /** The end user's name, shown on the hosted page instead of userId. */
  displayName?: string | null | undefined;
  /** Lifetime of the session and its client token, in seconds: 60 to 2592000 (30 days); default 86400 (24 hours). */
  expiresInSeconds?: number | null | undefined;
  /** Toolkit slugs the session may connect; omit for any. */
  toolkits?: Array<string> | null | undefined;
  /** Your identifier of the end user. */
  userId: string;
};

/** Input of deleteConnectedAccount. */
export type DeleteConnectedAccountInput = {
  /** The account. */
  id: string;
  /** Revoke at the provider first (default true). */
  revoke?: boolean | null | undefined;
};

/** Input of disableConnectedAccount. */
export type DisableConnectedAccountInput = {
  /** The account. */
  id: string;
};

/** Input of enableConnectedAccount. */
export type EnableConnectedAccountInput = {
  /** The account. */
  id: string;
};

/** Input of ensureConnection. */
export type EnsureConnectionInput = {
  /** Which of the user's accounts at the toolkit (default: the unnamed one). */
  alias?: string | null | undefined;
  /** Where to send the browser afterwards (an allowed origin of the project); gets status and connected_account_id. */
  callbackUrl?: string | null | undefined;
  /** The session of the end user. */
  sessionId: string;
  /** Slug of the toolkit the agent needs. */
  toolkit: string;
};

/** Input of issueAccessToken. */
export type IssueAccessTokenInput = {
  /** The account. */
  connectedAccountId: string;
};

/** A name and a value (an HTTP header or a query parameter); a name may repeat. */
export type NameValueInput = {
  /** The name. */
  name: string;
  /** The value. */
  value: string;
};

/** Input of proxyRequest. */
export type ProxyRequestInput = {
  /** Request body (text, at most 5 MB). */
  body?: string | null | undefined;
  /** The ACTIVE account to call as. */
  connectedAccountId: string;
  /** Request headers. Hop-by-hop and cookie headers are dropped; credential headers are set by the server. */
  headers?: Array<NameValueInput> | null | undefined;
  /** GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS. */
  method: string;
  /** Path under the toolkit's API base URL, e.g. `/user` (a `?query` allowed); it cannot leave the base. */
  path: string;
  /** Query parameters to add. */
  query?: Array<NameValueInput> | null | undefined;
  /** Milliseconds to wait for the whole exchange (at most and by default 30000). */
  timeoutMs?: number | null | undefined;
};

/** Input of revokeConnectedAccount. */
export type RevokeConnectedAccountInput = {
  /** The account. */
  id: string;
};

export type DisableConnectedAccountMutationVariables = Exact<{
  input: DisableConnectedAccountInput;
}>;


export type DisableConnectedAccountMutation = { disableConnectedAccount: { connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } } };

export type EnableConnectedAccountMutationVariables = Exact<{
  input: EnableConnectedAccountInput;
}>;


export type EnableConnectedAccountMutation = { enableConnectedAccount: { connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } } };

export type RevokeConnectedAccountMutationVariables = Exact<{
  input: RevokeConnectedAccountInput;
}>;


export type RevokeConnectedAccountMutation = { revokeConnectedAccount: { providerRevoked: boolean, connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } } };

export type DeleteConnectedAccountMutationVariables = Exact<{
  input: DeleteConnectedAccountInput;
}>;


export type DeleteConnectedAccountMutation = { deleteConnectedAccount: { deletedConnectedAccountId: string, providerRevoked: boolean } };

export type IssueAccessTokenMutationVariables = Exact<{
  input: IssueAccessTokenInput;
}>;


export type IssueAccessTokenMutation = { issueAccessToken: { accessToken: string, tokenType: string, expiresAt: string | null, scopes: Array<string>, fields: Array<{ name: string, value: string }> | null } };

export type ProxyRequestMutationVariables = Exact<{
  input: ProxyRequestInput;
}>;


export type ProxyRequestMutation = { proxyRequest: { status: number, body: string, json: unknown, headers: Array<{ name: string, value: string }> } };

export type AuthorizeMutationVariables = Exact<{
  input: AuthorizeInput;
}>;


export type AuthorizeMutation = { authorize: { connectLink: { id: string, url: string | null, expiresAt: string, status: ConnectLinkStatus }, connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } } };

export type ConnectedAccountsQueryVariables = Exact<{
  userId?: string | null | undefined;
  toolkit?: string | null | undefined;
  status?: ConnectionStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConnectedAccountsQuery = { connectedAccounts: { edges: Array<{ node: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ConnectionStatusSubscriptionVariables = Exact<{
  connectLinkId?: string | null | undefined;
  connectedAccountId?: string | null | undefined;
}>;


export type ConnectionStatusSubscription = { connectionStatus: { status: ConnectionStatus, statusReason: string | null, occurredAt: string, connectLink: { id: string, status: ConnectLinkStatus } | null, connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } | null } };

export type EnsureConnectionMutationVariables = Exact<{
  input: EnsureConnectionInput;
}>;


export type EnsureConnectionMutation = { ensureConnection: { status: ConnectionStatus, message: string, connectLink: { id: string, url: string | null, expiresAt: string, status: ConnectLinkStatus } | null, connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } } };

export type ConnectedAccountFieldsFragment = { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null };

export type ConnectLinkFieldsFragment = { id: string, url: string | null, expiresAt: string, status: ConnectLinkStatus };

export type SessionQueryVariables = Exact<{
  id: string;
}>;


export type SessionQuery = { session: { id: string, userId: string, allowedToolkits: Array<string>, expiresAt: string | null, toolkits: Array<{ toolkit: { slug: string, name: string }, connection: { status: ConnectionStatus, connectedAccount: { id: string, status: ConnectionStatus, statusReason: string | null, statusChangedAt: string, userId: string, alias: string | null, toolkit: { slug: string, name: string }, providerAccount: { id: string, email: string | null, name: string | null } | null } } | null }> } | null };

export type CreateSessionMutationVariables = Exact<{
  input: CreateSessionInput;
}>;


export type CreateSessionMutation = { createSession: { clientToken: string, session: { id: string, userId: string, expiresAt: string | null } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConnectedAccountFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}
    `, {"fragmentName":"ConnectedAccountFields"}) as unknown as TypedDocumentString<ConnectedAccountFieldsFragment, unknown>;
export const ConnectLinkFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConnectLinkFields on ConnectLink {
  id
  url
  expiresAt
  status
}
    `, {"fragmentName":"ConnectLinkFields"}) as unknown as TypedDocumentString<ConnectLinkFieldsFragment, unknown>;
export const DisableConnectedAccountDocument = new TypedDocumentString(`
    mutation DisableConnectedAccount($input: DisableConnectedAccountInput!) {
  disableConnectedAccount(input: $input) {
    connectedAccount {
      ...ConnectedAccountFields
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}`) as unknown as TypedDocumentString<DisableConnectedAccountMutation, DisableConnectedAccountMutationVariables>;
export const EnableConnectedAccountDocument = new TypedDocumentString(`
    mutation EnableConnectedAccount($input: EnableConnectedAccountInput!) {
  enableConnectedAccount(input: $input) {
    connectedAccount {
      ...ConnectedAccountFields
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}`) as unknown as TypedDocumentString<EnableConnectedAccountMutation, EnableConnectedAccountMutationVariables>;
export const RevokeConnectedAccountDocument = new TypedDocumentString(`
    mutation RevokeConnectedAccount($input: RevokeConnectedAccountInput!) {
  revokeConnectedAccount(input: $input) {
    connectedAccount {
      ...ConnectedAccountFields
    }
    providerRevoked
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}`) as unknown as TypedDocumentString<RevokeConnectedAccountMutation, RevokeConnectedAccountMutationVariables>;
export const DeleteConnectedAccountDocument = new TypedDocumentString(`
    mutation DeleteConnectedAccount($input: DeleteConnectedAccountInput!) {
  deleteConnectedAccount(input: $input) {
    deletedConnectedAccountId
    providerRevoked
  }
}
    `) as unknown as TypedDocumentString<DeleteConnectedAccountMutation, DeleteConnectedAccountMutationVariables>;
export const IssueAccessTokenDocument = new TypedDocumentString(`
    mutation IssueAccessToken($input: IssueAccessTokenInput!) {
  issueAccessToken(input: $input) {
    accessToken
    tokenType
    expiresAt
    scopes
    fields {
      name
      value
    }
  }
}
    `) as unknown as TypedDocumentString<IssueAccessTokenMutation, IssueAccessTokenMutationVariables>;
export const ProxyRequestDocument = new TypedDocumentString(`
    mutation ProxyRequest($input: ProxyRequestInput!) {
  proxyRequest(input: $input) {
    status
    headers {
      name
      value
    }
    body
    json
  }
}
    `) as unknown as TypedDocumentString<ProxyRequestMutation, ProxyRequestMutationVariables>;
export const AuthorizeDocument = new TypedDocumentString(`
    mutation Authorize($input: AuthorizeInput!) {
  authorize(input: $input) {
    connectLink {
      ...ConnectLinkFields
    }
    connectedAccount {
      ...ConnectedAccountFields
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}
fragment ConnectLinkFields on ConnectLink {
  id
  url
  expiresAt
  status
}`) as unknown as TypedDocumentString<AuthorizeMutation, AuthorizeMutationVariables>;
export const ConnectedAccountsDocument = new TypedDocumentString(`
    query ConnectedAccounts($userId: String, $toolkit: String, $status: ConnectionStatus, $first: Int, $after: String) {
  connectedAccounts(
    userId: $userId
    toolkit: $toolkit
    status: $status
    first: $first
    after: $after
  ) {
    edges {
      node {
        ...ConnectedAccountFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}`) as unknown as TypedDocumentString<ConnectedAccountsQuery, ConnectedAccountsQueryVariables>;
export const ConnectionStatusDocument = new TypedDocumentString(`
    subscription ConnectionStatus($connectLinkId: ID, $connectedAccountId: ID) {
  connectionStatus(
    connectLinkId: $connectLinkId
    connectedAccountId: $connectedAccountId
  ) {
    status
    statusReason
    occurredAt
    connectLink {
      id
      status
    }
    connectedAccount {
      ...ConnectedAccountFields
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}`) as unknown as TypedDocumentString<ConnectionStatusSubscription, ConnectionStatusSubscriptionVariables>;
export const EnsureConnectionDocument = new TypedDocumentString(`
    mutation EnsureConnection($input: EnsureConnectionInput!) {
  ensureConnection(input: $input) {
    status
    message
    connectLink {
      ...ConnectLinkFields
    }
    connectedAccount {
      ...ConnectedAccountFields
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}
fragment ConnectLinkFields on ConnectLink {
  id
  url
  expiresAt
  status
}`) as unknown as TypedDocumentString<EnsureConnectionMutation, EnsureConnectionMutationVariables>;
export const SessionDocument = new TypedDocumentString(`
    query Session($id: ID!) {
  session(id: $id) {
    id
    userId
    allowedToolkits
    expiresAt
    toolkits {
      toolkit {
        slug
        name
      }
      connection {
        status
        connectedAccount {
          ...ConnectedAccountFields
        }
      }
    }
  }
}
    fragment ConnectedAccountFields on ConnectedAccount {
  id
  status
  statusReason
  statusChangedAt
  userId
  alias
  toolkit {
    slug
    name
  }
  providerAccount {
    id
    email
    name
  }
}`) as unknown as TypedDocumentString<SessionQuery, SessionQueryVariables>;
export const CreateSessionDocument = new TypedDocumentString(`
    mutation CreateSession($input: CreateSessionInput!) {
  createSession(input: $input) {
    session {
      id
      userId
      expiresAt
    }
    clientToken
  }
}
    `) as unknown as TypedDocumentString<CreateSessionMutation, CreateSessionMutationVariables>;