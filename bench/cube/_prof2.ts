import { BinAccumulator } from '../../src/reporting/kpis/cube/sketch-bins.js';
const acc = new BinAccumulator();
acc.cover(0, 2000);
const out: Array<number | null> = [null, null];
const bins = Int32Array.from({ length: 150 }, (_, i) => 640 + i * 2).sort();
const counts = new Float64Array(150).fill(1);
const qs = [0.5, 0.9];
const sink = {
  n: 0,
  push() {
    this.n++;
  },
};
for (let rep = 0; rep < 4; rep++) {
  let t0 = performance.now();
  for (let k = 0; k < 100_000; k++) {
    acc.addRun(bins, counts, 0, 150);
    acc.quantiles(qs, out);
  }
  const a = (performance.now() - t0) / 100;
  t0 = performance.now();
  for (let k = 0; k < 100_000; k++) {
    acc.addRun(bins, counts, 0, 150);
    acc.drain(sink as never);
  }
  const b = (performance.now() - t0) / 100;
  t0 = performance.now();
  for (let k = 0; k < 100_000; k++) {
    acc.addRun(bins, counts, 0, 150);
    acc.quantiles([], out);
  }
  const c = (performance.now() - t0) / 100;
  console.log(
    `quantiles ${a.toFixed(2)} µs  drain ${b.toFixed(2)} µs  quantiles([]) ${c.toFixed(2)} µs`,
  );
}
