// The scripted agent: no model, the same decisions a model would make with tools. Its one tool,
// "read my mail", needs the user's Demo Mail account; when it is not connected the agent answers
// with the Connect Link, and the chat page calls it again once the subscription says ACTIVE.
import type { ConnectClient } from '../../packages/client/dist/index.js';
import type { DemoMail } from './demo-mail.js';

export const MAIL_TOOLKIT = 'demo-mail';

export type AgentReply =
  | { kind: 'answer'; text: string; connectedAs?: string }
  | { kind: 'connect'; text: string; link: { id: string; url: string; expiresAt: string } };

export interface Agent {
  reply(input: { sessionId: string; text: string }): Promise<AgentReply>;
}

interface Message {
  from: string;
  subject: string;
}

/** `connect` is the server-side client (project API key): it may read tokens, the browser may not. */
export function createAgent(connect: ConnectClient, mail: Pick<DemoMail, 'userInfoUrl' | 'messagesUrl'>, callbackUrl: string): Agent {
  async function readMail(connectedAccountId: string) {
    const { accessToken } = await connect.issueAccessToken(connectedAccountId);
    const headers = { authorization: `Bearer ${accessToken}` };
    const [me, inbox] = await Promise.all([
      fetch(mail.userInfoUrl, { headers }).then((response) => response.json() as Promise<{ email: string }>),
      fetch(mail.messagesUrl, { headers }).then((response) => response.json() as Promise<{ messages: Message[] }>),
    ]);
    return { email: me.email, messages: inbox.messages };
  }

  return {
    async reply({ sessionId, text }) {
      if (!/\b(e-?mails?|mail|inbox)\b/i.test(text)) {
        return { kind: 'answer', text: 'I can read your Demo Mail. Try "summarize my emails".' };
      }
      // One call: the ACTIVE account, or a link (the same one while it is pending) and a message.
      const ensured = await connect.ensureConnection({ sessionId, toolkit: MAIL_TOOLKIT, callbackUrl });
      if (ensured.connectLink?.url) {
        const { id, url, expiresAt } = ensured.connectLink;
        return { kind: 'connect', text: ensured.message, link: { id, url, expiresAt } };
      }
      const { email, messages } = await readMail(ensured.connectedAccount.id);
      const lines = messages.map((message) => `• ${message.subject} (from ${message.from})`);
      return { kind: 'answer', connectedAs: email, text: `You have ${messages.length} new emails:\n${lines.join('\n')}` };
    },
  };
}
