import http from 'node:http';
import { generateEvents } from './generate.js';
const url = process.argv[2]!;
const n = Number(process.argv[3] ?? 100000);
const events = generateEvents({ events: n });
const parts: string[][] = [[], [], [], []];
for (const e of events) {
  let h = 0;
  for (let i = 0; i < e.ticket_id.length; i++) h = (h * 31 + e.ticket_id.charCodeAt(i)) | 0;
  parts[Math.abs(h) % 4]!.push(JSON.stringify(e));
}
const t0 = performance.now();
await Promise.all(
  parts.map(
    (p) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          `${url}/v1/events`,
          {
            method: 'POST',
            headers: {
              authorization: 'Bearer bench-admin-key-0123456789abcdef',
              'content-type': 'application/x-ndjson',
            },
          },
          (res) => {
            let t = '';
            res.on('data', (d) => (t += d));
            res.on('end', () => resolve(t));
          },
        );
        req.on('error', reject);
        req.end(p.join('\n') + '\n');
      }),
  ),
);
console.log('rate', Math.round(n / ((performance.now() - t0) / 1000)));
