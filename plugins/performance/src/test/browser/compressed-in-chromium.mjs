// What the performance plugin compresses, as headless Chromium receives it: a page fetches a
// 18 KB JSON (Chromium sends Accept-Encoding: gzip, deflate, br, zstd), decodes it, and reports
// the encoding and the encoded and decoded sizes the Resource Timing API saw; then an
// EventSource on the same origin receives events published one at a time, each before the
// next is published (an event stream is never compressed, never held back).
//
// Environment: SWITCHBOARD (the host's base URL), CHROMIUM (default /usr/bin/chromium). Prints one
// JSON line with what it saw; exits 1 when something is not as it must be.

import { chromium } from 'playwright-core';

const BASE = process.env.SWITCHBOARD;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const failures = [];
const seen = {};
try {
  const page = await browser.newPage();
  await page.goto(`${BASE}/api/things/7`);

  Object.assign(seen, await page.evaluate(async () => {
    const url = new URL('/api/things/list?n=500', location).href;
    const response = await fetch(url);
    const things = await response.json();
    const [entry] = performance.getEntriesByName(url);
    return {
      status: response.status, encoding: response.headers.get('content-encoding'), things: things.length,
      last: things[things.length - 1].name, encodedBodySize: entry.encodedBodySize, decodedBodySize: entry.decodedBodySize,
    };
  }));
  if (seen.status !== 200 || seen.things !== 500 || seen.last !== 'thing number 499') failures.push('the JSON did not decode whole');
  if (seen.encoding !== 'zstd') failures.push(`Chromium got ${seen.encoding}, not zstd`);
  if (!(seen.encodedBodySize > 0 && seen.encodedBodySize * 5 < seen.decodedBodySize)) failures.push('the body did not arrive compressed');

  await page.evaluate(() => {
    window.received = [];
    window.source = new EventSource('/api/events/stream?topics=learning.events');
    // The SSE event name is the event's type.
    for (const type of ['tick-0', 'tick-1', 'tick-2']) {
      window.source.addEventListener(type, (event) => window.received.push({ type, data: JSON.parse(event.data) }));
    }
    return new Promise((resolve) => { window.source.addEventListener('connected', resolve); });
  });
  seen.events = [];
  for (let i = 0; i < 3; i++) {
    const published = await fetch(`${BASE}/api/events/learning.events`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: `tick-${i}`, data: { n: i } }),
    });
    if (published.status !== 200) failures.push(`publishing tick-${i} answered ${published.status}`);
    const arrived = await page.waitForFunction((n) => window.received.some((e) => JSON.stringify(e).includes(`tick-${n}`)), i,
      { timeout: 10_000 }).then(() => true, () => false);
    seen.events.push(arrived);
    if (!arrived) failures.push(`tick-${i} did not arrive before the next was published`);
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ ...seen, failures }));
process.exit(failures.length ? 1 : 0);
