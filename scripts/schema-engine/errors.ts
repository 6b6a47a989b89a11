// Errors as the CLI understands them, and their JSON-RPC encoding.

/** A user-facing error; `errorCode` is a Prisma code such as P1001, shown by the CLI. */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

/** The WASM engine panicked (a Rust panic surfaces as a WebAssembly trap). */
export class PanicError extends Error {
  override name = 'PanicError';
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

// The native engine uses this JSON-RPC error code for every engine error and puts the details in
// `data`, which is what the CLI reads (`is_panic`, `message`, `error_code`).
const ENGINE_ERROR_CODE = 4466;
const ENGINE_ERROR_MESSAGE = 'An error happened. Check the data field for details.';

export function toRpcError(error: unknown): RpcErrorObject {
  if (error instanceof PanicError) {
    return {
      code: ENGINE_ERROR_CODE,
      message: ENGINE_ERROR_MESSAGE,
      data: { is_panic: true, message: error.message, backtrace: error.stack ?? null },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // EngineError carries `errorCode`; errors thrown by the WASM engine (SchemaConnectorError) carry
  // the Prisma code in `code` when they have one (e.g. P1012 for an invalid schema, P3006, …).
  const errorCode =
    error instanceof EngineError
      ? error.errorCode
      : typeof (error as { code?: unknown } | null)?.code === 'string'
        ? (error as { code: string }).code
        : undefined;
  const data: Record<string, unknown> = { is_panic: false, message };
  if (errorCode) data.error_code = errorCode;
  return { code: ENGINE_ERROR_CODE, message: ENGINE_ERROR_MESSAGE, data };
}
