import { DomainError } from './errors.js';

/**
 * The IDs clients see: Relay global IDs, `base64("<Type>:<id>")`. GraphQL (through the schema
 * builder's relay options), webhook payloads, callback URLs, MCP tool results and the tests all
 * encode and decode them here, so any of them can go to `node(id)`.
 */
export function publicId(type: string, id: string | number | bigint): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

/** The type and raw id inside a global ID; BAD_USER_INPUT when it is not one. */
export function parsePublicId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  // Our ids are printable: control characters (NUL above all, which PostgreSQL cannot even
  // compare with) never name a row.
  const printable = !/[\u0000-\u001f\u007f]/.test(decoded);
  if (!printable || separator <= 0 || separator === decoded.length - 1 || publicId(decoded.slice(0, separator), decoded.slice(separator + 1)) !== globalId) {
    throw new DomainError('BAD_USER_INPUT', `"${globalId.slice(0, 100)}" is not a valid ID.`, [{ path: 'id', message: 'is not a valid ID' }]);
  }
  return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}

/** The raw id of a global ID of the expected type; BAD_USER_INPUT for another type. */
export function rawIdOf(globalId: string, type: string, path = 'id'): string {
  const parsed = parsePublicId(globalId);
  if (parsed.typename !== type) {
    throw new DomainError('BAD_USER_INPUT', `Expected an ID of a ${type}.`, [{ path, message: `must be the ID of a ${type}` }]);
  }
  return parsed.id;
}
