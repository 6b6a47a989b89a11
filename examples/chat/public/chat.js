// The chat page: sends what the user types to the agent, shows Connect Links, and resumes the
// agent by itself the moment the connection is ACTIVE (waitForConnection over the
// connectionStatus subscription, with the session client token; no polling).
import { ConnectionWaitError, createConnectClient } from '/client.js';

const messages = document.getElementById('messages');
const composer = document.getElementById('composer');
const input = document.getElementById('text');

const { chatId, userId, clientToken, connectUrl } = await (await fetch('/api/session', { method: 'POST' })).json();
document.getElementById('who').textContent = `· ${userId}`;
const connect = createConnectClient({ url: connectUrl, token: clientToken });

function show(kind, text, extra = {}) {
  const element = document.createElement('div');
  element.className = `message ${kind}`;
  element.textContent = text;
  for (const [key, value] of Object.entries(extra)) element.dataset[key] = value;
  messages.append(element);
  element.scrollIntoView({ block: 'end' });
  return element;
}

function showStatus(text, problem = false) {
  const element = document.createElement('div');
  element.className = `status${problem ? ' problem' : ''}`;
  element.dataset.testid = problem ? 'connection-problem' : 'connection-status';
  element.textContent = text;
  messages.append(element);
  return element;
}

async function ask(text) {
  const response = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId, text }) });
  const reply = await response.json();
  if (!response.ok) return void show('agent', reply.error ?? 'Something went wrong.');
  if (reply.kind === 'answer') {
    if (reply.connectedAs) showStatus(`Connected as ${reply.connectedAs}`);
    return void show('agent', reply.text, { testid: 'agent-answer' });
  }
  // The agent needs a connection: show its message with the link, then wait for the outcome.
  const bubble = show('agent', reply.text.replace(reply.link.url, '').trim());
  const link = document.createElement('a');
  link.className = 'connect';
  link.href = reply.link.url;
  link.target = '_blank';
  link.rel = 'opener';
  link.dataset.testid = 'connect-link';
  link.textContent = 'Connect Demo Mail';
  bubble.append(document.createElement('br'), link);
  try {
    await connect.waitForConnection(reply.link.id);
    await ask(text); // the agent resumes with the same request, now connected
  } catch (error) {
    if (!(error instanceof ConnectionWaitError)) throw error;
    // FAILED (e.g. access_denied) or EXPIRED (INITIATION_TIMEOUT): say so, offer a new link.
    const why = error.code === 'EXPIRED' ? 'the link expired' : `it failed${error.statusReason ? ` (${error.statusReason})` : ''}`;
    const status = showStatus(`Demo Mail was not connected: ${why}. `, true);
    const retry = document.createElement('button');
    retry.textContent = 'Try again';
    retry.dataset.testid = 'retry';
    retry.onclick = () => {
      retry.disabled = true;
      void ask(text);
    };
    status.append(retry);
  }
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  show('user', text);
  void ask(text);
});
document.body.dataset.ready = 'true';
