/**
 * The IDs clients see: Relay global IDs, `base64("<Type>:<id>")`, the format
 * @pothos/plugin-relay uses by default. Everything that hands an ID to the outside (GraphQL,
 * webhook payloads, callback URLs) uses this one format, so any of them can go to `node(id)`.
 */
export function publicId(type: 'ConnectedAccount' | 'ConnectLink', id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}
