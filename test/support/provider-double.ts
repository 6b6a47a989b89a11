import type { ServerResponse } from 'node:http';
import { connect as netConnect } from 'node:net';
import { connectionPort, createEgress, parseEgressAllowList, usesTls, type Egress } from '../../src/egress/index.js';
import { startRecordingApi, type ReceivedRequest } from './recording-api.js';

/** One request as the double received it, with the https URL the server meant to reach and its parsed body. */
export interface ProviderRequest extends ReceivedRequest {
  /** e.g. https://oauth2.googleapis.com/token (query kept). */
  target: string;
  /** The body's parameters: form-encoded or a flat JSON object, whichever the request sent. */
  params: Record<string, string>;
}

/** The JSON to answer a request with (status 200 unless said), or undefined for a 404. */
export type ProviderAnswer = (request: ProviderRequest) => { status?: number; json: unknown } | undefined;

export interface ProviderDouble {
  requests: ProviderRequest[];
  /** Where each outbound connection would have gone (`https:443`), as the real egress computes it. */
  connections: string[];
  /** The app's egress: every outbound connection, to any host, TLS or not, reaches this double in plain HTTP. */
  egress: Egress;
  close(): Promise<void>;
}

function paramsOf(request: ReceivedRequest): Record<string, string> {
  if (!request.body) return {};
  if (String(request.headers['content-type'] ?? '').includes('json')) {
    const parsed: unknown = JSON.parse(request.body);
    return parsed && typeof parsed === 'object' ? Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)])) : {};
  }
  return Object.fromEntries(new URLSearchParams(request.body));
}

/**
 * Stands in for every provider at its real address: the app's egress (see {@link ProviderDouble.egress}) sends all
 * its outbound connections here, so the server builds the very requests it would send to Google or Slack, and the
 * double sees their Host header, path, headers and body. URLs are still checked against the egress policy (no
 * private address allowed), which the real providers' public names pass.
 */
export async function startProviderDouble(answer: ProviderAnswer): Promise<ProviderDouble> {
  const requests: ProviderRequest[] = [];
  const api = await startRecordingApi((received, res: ServerResponse) => {
    const request = { ...received, target: `https://${received.headers.host}${received.url}`, params: paramsOf(received) };
    requests.push(request);
    const answered = answer(request);
    res.writeHead(answered ? (answered.status ?? 200) : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answered ? answered.json : { error: 'not_found' }));
  });
  const port = Number(new URL(api.origin).port);
  const connections: string[] = [];
  const egress = createEgress(parseEgressAllowList('').allow, () => (options) => {
    connections.push(`${usesTls(options) ? 'https' : 'http'}:${connectionPort(options)}`);
    return netConnect({ host: '127.0.0.1', port });
  });
  return { requests, connections, egress, close: () => api.close() };
}

/** A JSON value holding `value` at each dot path (a numeric key makes an array; the first `|` alternative is used). */
export function jsonAt(paths: Readonly<Record<string, string | undefined>>, values: Readonly<Record<string, unknown>>): unknown {
  let root: unknown;
  for (const [key, path] of Object.entries(paths)) {
    if (!path) continue;
    const keys = path.split('|')[0]!.split('.');
    const container = (next: string) => (/^\d+$/.test(next) ? [] : {});
    root ??= container(keys[0]!);
    let current = root as Record<string, unknown>;
    keys.forEach((name, i) => {
      if (i === keys.length - 1) current[name] = values[key];
      else current = (current[name] ??= container(keys[i + 1]!)) as Record<string, unknown>;
    });
  }
  return root ?? {};
}
