const acc = new Float64Array(2001);
const bins = Int32Array.from({ length: 150 }, (_, i) => 640 + i * 2);
const counts = new Float64Array(150).fill(1);
function addRun(lo: number) {
  for (let j = 0; j < 150; j++) acc[bins[j]! - lo]! += counts[j]!;
}
function total(lo: number, hi: number) {
  let t = 0;
  for (let i = lo; i <= hi; i++) {
    const n = acc[i]!;
    if (n > 0) t += n;
  }
  return t;
}
function total2(lo: number, hi: number) {
  let t = 0;
  let last = -1;
  for (let i = lo; i <= hi; i++) {
    const n = acc[i]!;
    if (n !== 0) last = i;
    if (n > 0) t += n;
  }
  return t + last;
}
for (let rep = 0; rep < 3; rep++) {
  let t0 = performance.now();
  for (let k = 0; k < 100_000; k++) {
    addRun(0);
    acc.fill(0, 640, 940);
  }
  console.log('addRun+fill', ((performance.now() - t0) / 100).toFixed(2), 'µs');
  t0 = performance.now();
  let s = 0;
  for (let k = 0; k < 100_000; k++) s += total(640, 940);
  console.log('total', ((performance.now() - t0) / 100).toFixed(2), 'µs');
  t0 = performance.now();
  for (let k = 0; k < 100_000; k++) s += total2(640, 940);
  console.log('total2', ((performance.now() - t0) / 100).toFixed(2), 'µs', s > 0);
}
