// Loaded into the benchmarked server process (`--import`, with `--expose-gc`): on request from
// the bench, collects garbage fully and reports what is still live, so retained memory is
// measured rather than whatever the collector has not got round to yet.
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect || !process.send) throw new Error('memory-probe needs --expose-gc and an IPC channel');

process.on('message', (message) => {
  if (message !== 'memory') return;
  collect();
  const { rss, heapUsed, external } = process.memoryUsage();
  process.send!({ rss, heapUsed, external });
});
// The IPC channel must not keep the server alive after SIGTERM.
process.channel?.unref();
