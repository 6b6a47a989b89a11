export { createConnectClient, type ConnectClient, type ConnectClientOptions } from './client.js';
export {
  ConnectError,
  ConnectionExpiredError,
  ConnectionFailedError,
  ConnectionRevokedError,
  ConnectionWaitError,
  GraphQLRequestError,
  WaitAbortedError,
  WaitTimeoutError,
  type GraphQLErrorEntry,
  type WaitErrorCode,
} from './errors.js';
export type { ConnectionState, LinkOrAccount, WaitTarget } from './status.js';
export type { TransportName } from './transports.js';
export type { JsonSchemaObject, ToolCallResult, ToolDefinition } from './tools.js';
export type { WaitOptions } from './wait.js';
export * as operations from './generated/graphql.js';
export type {
  AuthorizeInput,
  ConnectedAccountFieldsFragment,
  ConnectionStatus,
  CreateSessionInput,
  EnsureConnectionInput,
  NameValueInput,
  ProxyRequestInput,
} from './generated/graphql.js';
