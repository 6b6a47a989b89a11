// Logging in the native engine's format: one JSON object per line on stderr.
//
// The CLI reads these lines. In JSON-RPC mode it keeps `fields.message` of every line and the
// `fields` of the last ERROR line, and shows them if the engine exits non-zero. For the `cli`
// subcommands it requires *every* stderr line after the first to be JSON and looks for an ERROR
// line with target `schema_engine::logger` carrying `error_code` and `message`.
import { format } from 'node:util';

import type { EngineError } from './errors.js';

export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  writeLine({
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...fields },
    target: 'schema_engine::logger',
  });
}

/** The ERROR line the CLI turns into a user-facing error (P1001 and friends). */
export function logEngineError(error: EngineError): void {
  log('ERROR', error.message, error.errorCode ? { error_code: error.errorCode } : {});
}

/** Forwards a log line produced by the WASM engine, which already uses the native format. */
export function forwardEngineLog(line: unknown): void {
  if (typeof line === 'string' && line.trim() !== '') process.stderr.write(`${line.trimEnd()}\n`);
}

/**
 * stdout carries the JSON-RPC protocol only, and the `cli` mode rejects non-JSON stderr lines:
 * anything a dependency prints through `console` becomes a JSON log line on stderr instead.
 */
export function routeConsoleToLog(): void {
  const to = (level: LogLevel) => (...args: unknown[]) => log(level, format(...args));
  console.log = to('INFO');
  console.info = to('INFO');
  console.debug = to('DEBUG');
  console.warn = to('WARN');
  console.error = to('ERROR');
}

function writeLine(value: unknown): void {
  // Writes to pipes are synchronous on POSIX, so a line written right before process.exit() is
  // not lost.
  process.stderr.write(`${JSON.stringify(value)}\n`);
}
