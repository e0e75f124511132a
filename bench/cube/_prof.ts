import { BUCKET_MS } from '/work/main/src/core/aggregate/index.js';
import { periodsOf } from '/work/main/src/core/time/periods.js';
import { answerQuantiles } from '/work/main/src/reporting/kpis/cube/answer.js';
import { KindCube } from '/work/main/src/reporting/kpis/cube/kind-cube.js';
import { ledger, START, DAYS, mulberry32 } from '/work/main/bench/cube/generate.js';
const cube = new KindCube('sla_sketch');
await cube.load(ledger('sla_sketch', 500_000));
const rand = mulberry32(1);
const which = process.argv[2] ?? 'week';
const t0 = performance.now();
let n = 0;
for (let i = 0; i < 400; i++) {
  const from = START + Math.floor(rand() * (DAYS - 90) * 96) * BUCKET_MS;
  const to = from + 90 * 86_400_000;
  const interval = which === 'week' ? 'week' : 'none';
  const periods = periodsOf(from, to, interval, 'Europe/Warsaw')!;
  n += answerQuantiles(
    cube,
    {
      from,
      to,
      periodStarts: interval === 'none' ? null : periods.map((p) => p.start),
      groupBy: [which === 'week' ? 'team' : 'agent'],
      filters: [],
    },
    [0.5, 0.9],
  ).length;
}
console.log((performance.now() - t0) / 400, 'ms/query', n);
