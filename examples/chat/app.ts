// The chat example in one process: a Connect server on the embedded database, "Demo Mail" (a
// local OAuth provider), and the chat web app whose scripted agent needs Demo Mail. The chat
// talks to Connect only through the client package and the documented GraphQL API.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
// In your own app: import { createConnectClient } from '@connect-server/client';
import { createConnectClient } from '../../packages/client/dist/index.js';
import { createAgent, MAIL_TOOLKIT } from './agent.js';
import { startDemoMail } from './demo-mail.js';

export interface ChatExampleOptions {
  host?: string;
  /** 0 picks free ports. */
  chatPort?: number;
  connectPort?: number;
  mailPort?: number;
  log?: (line: string) => void;
}

export interface ChatExample {
  chatUrl: string;
  connectUrl: string;
  mailUrl: string;
  stop(): Promise<void>;
}

const PUBLIC = new URL('./public/', import.meta.url);
const FILES: Record<string, { file: URL; type: string }> = {
  '/': { file: new URL('index.html', PUBLIC), type: 'text/html; charset=utf-8' },
  '/connected': { file: new URL('connected.html', PUBLIC), type: 'text/html; charset=utf-8' },
  '/chat.js': { file: new URL('chat.js', PUBLIC), type: 'text/javascript; charset=utf-8' },
  // The client package's browser build (npm run client:build).
  '/client.js': { file: new URL('../../packages/client/dist/browser.js', import.meta.url), type: 'text/javascript; charset=utf-8' },
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? (JSON.parse(body) as Record<string, unknown>) : {};
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

export async function startChatExample(options: ChatExampleOptions = {}): Promise<ChatExample> {
  const host = options.host ?? 'localhost';
  const log = options.log ?? ((line: string) => console.log(line));

  // 1. The chat web server listens first: its origin is the Connect Links' callback target.
  //    Requests wait until the set-up below is done.
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const chat = createServer((req, res) => void ready.then(() => handle(req, res)));
  await new Promise<void>((resolve) => chat.listen(options.chatPort ?? 3000, host, resolve));
  const chatUrl = `http://${host}:${(chat.address() as AddressInfo).port}`;

  // 2. Connect, on the embedded database as `npm start` runs it, in a fresh directory per run.
  const dataDir = await mkdtemp(join(tmpdir(), 'connect-chat-example-'));
  const adminKey = `csk_example_${randomBytes(24).toString('base64url')}`;
  const connectPort = options.connectPort ?? 4000;
  const connectServer = buildApp(
    loadConfig({
      ADMIN_API_KEY: adminKey,
      HOST: host,
      PORT: String(connectPort),
      ...(connectPort ? { PUBLIC_URL: `http://${host}:${connectPort}` } : {}),
      DATA_DIR: dataDir,
      ENCRYPTION_KEYS: `demo:${randomBytes(32).toString('base64')}`, // the data dies with the run too
      LOG_LEVEL: 'warn',
      EGRESS_ALLOW_PRIVATE: host, // Demo Mail runs on this machine
    }),
  );
  const { publicUrl: connectUrl } = await connectServer.start(connectPort);
  const connect = createConnectClient({ url: connectUrl, token: adminKey });

  // 3. Demo Mail, with an OAuth client for Connect (its redirect URI comes from step 4).
  const client = { clientId: 'chat-example', clientSecret: randomBytes(24).toString('base64url'), redirectUris: [] as string[] };
  const mail = await startDemoMail({ host, port: options.mailPort ?? 4100, client });

  // 4. One-time set-up of the project, through the documented API.
  await connect.request(`mutation($origins: [String!]) { updateProject(input: { name: "Chat example", allowedCallbackOrigins: $origins }) { project { id } } }`, {
    origins: [chatUrl],
  });
  await connect.request(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
    input: {
      slug: MAIL_TOOLKIT,
      name: 'Demo Mail',
      authScheme: 'OAUTH2',
      oauth2: { authorizeUrl: mail.authorizeUrl, tokenUrl: mail.tokenUrl, userInfoUrl: mail.userInfoUrl, scopes: ['openid', 'offline_access', 'mail.read'] },
    },
  });
  const { createAuthConfig } = await connect.request<{ createAuthConfig: { authConfig: { redirectUri: string } } }, Record<string, unknown>>(
    `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { redirectUri } } }`,
    { input: { toolkit: MAIL_TOOLKIT, name: 'Demo Mail app', credentials: { clientId: client.clientId, clientSecret: client.clientSecret } } },
  );
  // What an operator does at a real provider: register the redirect URI Connect names.
  client.redirectUris.push(createAuthConfig.authConfig.redirectUri);

  const agent = createAgent(connect, mail, `${chatUrl}/connected`);
  /** Chat id (what the browser holds) → Connect session id (what the agent acts in). */
  const chats = new Map<string, string>();
  markReady();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', chatUrl).pathname;
    try {
      if (req.method === 'POST' && path === '/api/session') {
        // One end user per visit; a real app uses its own user id here.
        const userId = `visitor-${randomBytes(4).toString('hex')}`;
        const { session, clientToken } = await connect.createSession({ userId, toolkits: [MAIL_TOOLKIT] });
        const chatId = randomBytes(16).toString('base64url');
        chats.set(chatId, session.id);
        // The client token may only follow this session's links and accounts: safe in the browser.
        return sendJson(res, 200, { chatId, userId, clientToken, connectUrl });
      }
      if (req.method === 'POST' && path === '/api/chat') {
        const { chatId, text } = await readJson(req);
        const sessionId = typeof chatId === 'string' ? chats.get(chatId) : undefined;
        if (!sessionId || typeof text !== 'string') return sendJson(res, 400, { error: 'unknown chat' });
        return sendJson(res, 200, await agent.reply({ sessionId, text }));
      }
      const file = req.method === 'GET' ? FILES[path] : undefined;
      if (!file) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(await readFile(file.file));
    } catch (error) {
      log(`chat request failed: ${error instanceof Error ? error.message : String(error)}`);
      sendJson(res, 500, { error: 'the agent failed; try again' });
    }
  }

  return {
    chatUrl,
    connectUrl,
    mailUrl: mail.issuer,
    async stop() {
      connect.close();
      chat.closeAllConnections();
      await new Promise<void>((resolve) => chat.close(() => resolve()));
      await mail.close();
      await connectServer.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
