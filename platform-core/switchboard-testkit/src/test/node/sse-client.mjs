// A browser-grade SSE client for Switchboard's integration tests: the npm `eventsource` package
// (a WHATWG-conformant EventSource). It reconnects by itself, honouring retry: and sending
// Last-Event-ID, exactly as a browser does. Prints one JSON line per happening on stdout; ends
// when stdin closes.
//
//   node sse-client.mjs <url> <event-type,event-type,...>
import { EventSource } from 'eventsource';

const [url, types = 'message'] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const source = new EventSource(url);
source.onopen = () => print({ kind: 'open' });
source.onerror = (error) => print({ kind: 'error', code: error?.code ?? null, message: String(error?.message ?? '') });
for (const type of types.split(',')) {
  source.addEventListener(type, (event) => print({ kind: 'event', type: event.type, id: event.lastEventId, data: event.data }));
}

process.stdin.on('end', () => {
  source.close();
  process.exit(0);
});
process.stdin.resume();
