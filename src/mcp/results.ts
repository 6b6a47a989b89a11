import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

// How every tool answers: a text for the model, plus `structuredContent` (checked against the
// tool's outputSchema) for programs. Failures are tool results with `isError`, never protocol
// errors, so that the model reads what went wrong and can act on it.

export const statusSchema = z
  .enum(['INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED'])
  .describe('INITIATED: waiting for the user; ACTIVE: usable; FAILED/EXPIRED: the flow ended without a connection; INACTIVE: disabled; REVOKED: disconnected.');

export function toolResult<T extends Record<string, unknown>>(text: string, structured: T): CallToolResult & { structuredContent: T } {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * A failure as the model should read it: the domain's message (safe to show) with its code;
 * anything unexpected is logged and reported without its details.
 */
export function toolError(logger: Logger, tool: string, error: unknown): CallToolResult {
  if (error instanceof DomainError) {
    return { content: [{ type: 'text', text: `${error.code}: ${error.message}` }], isError: true };
  }
  logger.error({ err: error, tool }, 'MCP tool failed');
  return { content: [{ type: 'text', text: 'INTERNAL: the tool failed unexpectedly; try again later.' }], isError: true };
}
