// Chat clients as the bench drives them: a session and a Connect Link each (API-key toolkit, so
// a flow completes with the hosted form alone, no provider), one WebSocket holding the link's
// connectionStatus subscription, and the end user's browser submitting the form.
import { TEST_ADMIN_KEY } from '../test/support/app.js';
import { Browser } from '../test/support/browser.js';
import { AUTHORIZE, CREATE_SESSION } from '../test/support/connect.js';
import { TYPED_API_KEY } from '../test/support/secret-flows.js';
import { CONNECTION_STATUS, subscribe, wsClient, type Subscription } from '../test/support/ws.js';
import { graphql, inPool, type HttpClient } from './load.js';

export interface Chat {
  sessionId: string;
  clientToken: string;
  linkId: string;
  linkUrl: string;
}

/** createSession (the agent's backend, API key), then authorize (the chat, its client token). */
export async function createChat(http: HttpClient, userId: string, toolkit = 'openai'): Promise<Chat> {
  const created = await graphql(http, CREATE_SESSION, { input: { userId, toolkits: [toolkit] } }, TEST_ADMIN_KEY);
  const { session, clientToken } = created.createSession as { session: { id: string }; clientToken: string };
  const authorized = await graphql(http, AUTHORIZE, { input: { sessionId: session.id, toolkit } }, clientToken);
  const link = authorized.authorize.connectLink as { id: string; url: string };
  return { sessionId: session.id, clientToken, linkId: link.id, linkUrl: link.url };
}

export function createChats(http: HttpClient, prefix: string, count: number): Promise<Chat[]> {
  return inPool(count, 32, (i) => createChat(http, `${prefix}_${i}`));
}

/**
 * One WebSocket per chat with its subscription, opened `batch` at a time (as many clients
 * arriving together as one load process drives comfortably); each resolved once its first
 * event (INITIATED) arrived.
 */
export async function openSubscriptions(port: number, chats: readonly Chat[], batch = 100): Promise<Subscription[]> {
  const open: Subscription[] = [];
  for (let i = 0; i < chats.length; i += batch) {
    const opened = await Promise.all(
      chats.slice(i, i + batch).map(async (chat) => {
        const subscription = subscribe(wsClient(port, chat.clientToken), CONNECTION_STATUS, { connectLinkId: chat.linkId });
        const first = await subscription.next(60_000);
        if (first.data?.connectionStatus?.status !== 'INITIATED') throw new Error(`first event: ${JSON.stringify(first).slice(0, 300)}`);
        return subscription;
      }),
    );
    open.push(...opened);
  }
  return open;
}

/** The hosted page opened in the user's own browser; the returned function submits its form. */
export async function openForm(chat: Chat): Promise<() => Promise<number>> {
  const browser = new Browser();
  const page = await browser.request(chat.linkUrl);
  if (page.status !== 200) throw new Error(`the hosted page answered ${page.status}`);
  const form = Browser.parseForm(await page.text(), chat.linkUrl);
  return async () => {
    const done = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: TYPED_API_KEY } });
    await done.body?.cancel();
    return done.status;
  };
}

/** Submits the form; the time from the submit to the ACTIVE event at the chat's subscriber. */
export async function timeCompletion(submit: () => Promise<number>, subscription: Subscription, timeoutMs: number): Promise<number> {
  const began = performance.now();
  const event = subscription.next(timeoutMs).then((value) => ({ value, at: performance.now() }));
  event.catch(() => undefined); // awaited below, unless the submit fails first
  const status = await submit();
  if (status >= 400) throw new Error(`the form answered ${status}`);
  const { value, at } = await event;
  const seen = value?.data?.connectionStatus?.status;
  if (seen !== 'ACTIVE') throw new Error(`the subscriber saw ${seen ?? JSON.stringify(value).slice(0, 300)}`);
  return at - began;
}

/** `rounds` flows one after the other, each alone: submit → ACTIVE at its subscriber. */
export async function loneFlows(http: HttpClient, port: number, prefix: string, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const chat = await createChat(http, `${prefix}_${round}`);
    const [subscription] = await openSubscriptions(port, [chat]);
    const submit = await openForm(chat);
    try {
      samples.push(await timeCompletion(submit, subscription!, 10_000));
    } finally {
      await subscription!.close();
    }
  }
  return samples;
}
