// oidc-provider 9 ships no type declarations (and @types/oidc-provider is not installed).
// This is the minimal surface test/support/oauth-provider.ts uses; extend it when needed.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** The Koa context oidc-provider hands to middleware registered with `provider.use`. */
  export interface ProviderContext {
    method: string;
    path: string;
    status: number;
    type: string;
    body: unknown;
    /** Defined only on requests that reached one of the provider's routes. */
    oidc?: {
      route?: string;
      /** The parsed urlencoded/JSON body of POST routes (token, revocation, interaction submit…). */
      body?: Record<string, string | string[] | undefined>;
      params?: Record<string, unknown>;
    };
  }

  export type ProviderMiddleware = (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>;

  export interface TokenModelStatic {
    revokeByGrantId(grantId: string): Promise<void>;
    adapter: { revokeByGrantId?(grantId: string): Promise<void>; destroy(id: string): Promise<void> };
  }

  export interface GrantInstance {
    jti: string;
    accountId: string;
    clientId: string;
  }

  export interface ClientInstance {
    clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(fn: ProviderMiddleware): this;
    on(event: 'grant.saved', listener: (grant: GrantInstance) => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
    readonly AccessToken: TokenModelStatic;
    readonly RefreshToken: TokenModelStatic;
    readonly Grant: { adapter: { destroy(id: string): Promise<void> }; find(id: string): Promise<GrantInstance | undefined> };
  }

  export default Provider;
}
