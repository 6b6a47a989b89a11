// npm run example:chat — the chat example on http://localhost:3000 (see README "Chat UIs").
import { startChatExample } from './app.js';

const example = await startChatExample({
  chatPort: Number(process.env.CHAT_PORT ?? 3000),
  connectPort: Number(process.env.CONNECT_PORT ?? 4000),
  mailPort: Number(process.env.MAIL_PORT ?? 4100),
});
console.log(`Chat example:  ${example.chatUrl}  (type "summarize my emails"; at Demo Mail any login and password work)`);
console.log(`Connect:       ${example.connectUrl}/graphql`);
console.log(`Demo Mail:     ${example.mailUrl}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void example.stop().then(() => process.exit(0)));
}
