/**
 * Business-time benchmark: the calendar engine against moment-business-time and
 * dayjs-business-time on Mon–Fri 09:00–17:00 Europe/Warsaw (see bench/README.md).
 *
 *   npx tsx bench/business-time/run.ts [--pairs N] [--peer-pairs N] [--repeats N]
 *                                      [--peer-repeats N] [--seed N]
 *
 * Prints medians of `--repeats` runs (after a warm-up run; peers: `--peer-repeats`, default 3,
 * since one peer pass over 20,000 pairs takes up to a minute), the ratios against the faster peer,
 * how many answers differ from each peer and why, and the cost of 5-year spans against 1-day
 * spans. Exits with status 1 when a target is missed.
 */
import { compileCalendar, type BusinessCalendar } from '../../src/core/calendar/index.js';
import {
  addRules,
  classify,
  describeCase,
  elapsedRules,
  type DiffCase,
  type DiffReport,
} from './classify.js';
import { measure, type Measurement } from './measure.js';
import { randomPairs, SPANS, type Pairs } from './pairs.js';
import { loadPeers, type Peer } from './peers.js';

const TARGETS = { elapsed: 200, add: 100, longOverShort: 3 };
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2027, 0, 1);
const FIVE_YEARS = Date.UTC(2030, 0, 1) - Date.UTC(2025, 0, 1);

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

function warsawOffice(): BusinessCalendar {
  const day: Array<[string, string]> = [['09:00', '17:00']];
  return compileCalendar([
    {
      version: 1,
      effectiveFrom: FROM,
      definition: {
        timezone: 'Europe/Warsaw',
        weekly: { mon: day, tue: day, wed: day, thu: day, fri: day },
      },
    },
  ]);
}

interface Results {
  elapsed: Measurement;
  add: Measurement;
  elapsedOut: Float64Array;
  addOut: Float64Array;
}

interface RunOptions {
  count: number;
  repeats: number;
  /** Pairs in the warm-up pass (the peers are too slow to warm up on all of them). */
  warmUp: number;
  /** The durations to add; `null`: the results of this run's `elapsed`. */
  durations: Float64Array | null;
}

/** Times `elapsed` over the pairs, then `add` from each start with the given durations. */
function run(impl: Pick<Peer, 'elapsed' | 'add'>, pairs: Pairs, options: RunOptions): Results {
  const { count, repeats, warmUp } = options;
  const elapsedOut = new Float64Array(count);
  const addOut = new Float64Array(count);
  const { starts, ends } = pairs;
  const elapsedPass = (n: number) => () => {
    for (let i = 0; i < n; i++) elapsedOut[i] = impl.elapsed(starts[i]!, ends[i]!);
  };
  const elapsed = measure(count, repeats, elapsedPass(count), elapsedPass(warmUp));
  const d = options.durations ?? elapsedOut;
  const addPass = (n: number) => () => {
    for (let i = 0; i < n; i++) addOut[i] = impl.add(starts[i]!, d[i]!);
  };
  const add = measure(count, repeats, addPass(count), addPass(warmUp));
  return { elapsed, add, elapsedOut, addOut };
}

function differences(
  ours: Results,
  theirs: Results,
  pairs: Pairs,
  durations: Float64Array,
  count: number,
) {
  const elapsedCases: DiffCase[] = [];
  const addCases: DiffCase[] = [];
  for (let i = 0; i < count; i++) {
    const start = pairs.starts[i]!;
    if (ours.elapsedOut[i] !== theirs.elapsedOut[i]) {
      elapsedCases.push({
        start,
        input: pairs.ends[i]!,
        ours: ours.elapsedOut[i]!,
        theirs: theirs.elapsedOut[i]!,
      });
    }
    if (ours.addOut[i] !== theirs.addOut[i]) {
      addCases.push({
        start,
        input: durations[i]!,
        ours: ours.addOut[i]!,
        theirs: theirs.addOut[i]!,
      });
    }
  }
  return { elapsedCases, addCases };
}

function printReport(kind: 'elapsed' | 'add', report: DiffReport): void {
  const share = ((100 * report.differing) / report.compared).toFixed(2);
  console.log(`    ${kind}: ${report.differing} of ${report.compared} differ (${share} %)`);
  for (const category of report.categories) {
    console.log(`      ${String(category.count).padStart(6)}  ${category.label}`);
    for (const example of category.examples)
      console.log(`              e.g. ${describeCase(example, kind)}`);
  }
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits });
const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

function spanCost(calendar: BusinessCalendar, count: number, repeats: number, seed: number) {
  const short = randomPairs(count, seed + 1, {
    from: FROM,
    to: TO,
    minSpan: SPANS.DAY,
    maxSpan: SPANS.DAY,
  });
  const long = randomPairs(count, seed + 2, {
    from: FROM,
    to: TO,
    minSpan: FIVE_YEARS,
    maxSpan: FIVE_YEARS,
  });
  const ours = { elapsed: calendar.elapsed.bind(calendar), add: calendar.add.bind(calendar) };
  // Build every table the long spans need before timing either.
  calendar.elapsed(FROM, TO + FIVE_YEARS);
  const shortRun = run(ours, short, { count, repeats, warmUp: count, durations: null });
  const longRun = run(ours, long, { count, repeats, warmUp: count, durations: null });
  return { shortRun, longRun };
}

function main(): void {
  const pairCount = option('pairs', 1_000_000);
  const peerCount = Math.min(pairCount, option('peer-pairs', 20_000));
  const repeats = option('repeats', 5);
  const peerRepeats = option('peer-repeats', 3);
  const seed = option('seed', 20_260_329);
  const peers = loadPeers();
  const calendar = warsawOffice();
  const pairs = randomPairs(pairCount, seed, {
    from: FROM,
    to: TO,
    minSpan: 0,
    maxSpan: 30 * SPANS.DAY,
  });
  console.log(
    `business-time bench: ${fmt(pairCount)} pairs × ${repeats} repeats; peers: first ${fmt(peerCount)} pairs × ${peerRepeats} repeats; seed ${seed}`,
  );
  console.log(
    'calendar: Mon–Fri 09:00–17:00 Europe/Warsaw; starts 2025-01-01..2027-01-01, spans 0..30 days\n',
  );

  const engine = { elapsed: calendar.elapsed.bind(calendar), add: calendar.add.bind(calendar) };
  const ours = run(engine, pairs, {
    count: pairCount,
    repeats,
    warmUp: pairCount,
    durations: null,
  });
  const durations = ours.elapsedOut;
  console.log(
    `  deskmetrics engine     elapsed ${fmt(ours.elapsed.opsPerSecond).padStart(12)} ops/s (${ours.elapsed.nsPerOp.toFixed(1)} ns)   add ${fmt(ours.add.opsPerSecond).padStart(12)} ops/s (${ours.add.nsPerOp.toFixed(1)} ns)`,
  );

  const peerOptions = {
    count: peerCount,
    repeats: peerRepeats,
    warmUp: Math.min(peerCount, 1000),
    durations,
  };
  const peerResults = peers.map((peer) => ({ peer, results: run(peer, pairs, peerOptions) }));
  for (const { peer, results } of peerResults) {
    console.log(
      `  ${peer.name.padEnd(22)} elapsed ${fmt(results.elapsed.opsPerSecond).padStart(12)} ops/s (${fmt(results.elapsed.nsPerOp)} ns)   add ${fmt(results.add.opsPerSecond).padStart(12)} ops/s (${fmt(results.add.nsPerOp)} ns)`,
    );
  }

  const fastestElapsed = Math.max(...peerResults.map((p) => p.results.elapsed.opsPerSecond));
  const fastestAdd = Math.max(...peerResults.map((p) => p.results.add.opsPerSecond));
  const elapsedRatio = ours.elapsed.opsPerSecond / fastestElapsed;
  const addRatio = ours.add.opsPerSecond / fastestAdd;
  console.log(
    `\n  ratio ours / faster peer: elapsed ${fmt(elapsedRatio)}× (target ≥ ${TARGETS.elapsed}×: ${verdict(elapsedRatio >= TARGETS.elapsed)}), add ${fmt(addRatio)}× (target ≥ ${TARGETS.add}×: ${verdict(addRatio >= TARGETS.add)})`,
  );

  console.log('\n  differences from each peer on the first pairs:');
  for (const { peer, results } of peerResults) {
    const { elapsedCases, addCases } = differences(ours, results, pairs, durations, peerCount);
    console.log(`  ${peer.name}`);
    printReport('elapsed', classify(elapsedCases, peerCount, elapsedRules(calendar)));
    printReport('add', classify(addCases, peerCount, addRules(calendar)));
  }

  const { shortRun, longRun } = spanCost(calendar, Math.min(pairCount, 200_000), repeats, seed);
  const elapsedGrowth = longRun.elapsed.nsPerOp / shortRun.elapsed.nsPerOp;
  const addGrowth = longRun.add.nsPerOp / shortRun.add.nsPerOp;
  console.log(
    `\n  span length: 1-day spans elapsed ${shortRun.elapsed.nsPerOp.toFixed(1)} ns, add ${shortRun.add.nsPerOp.toFixed(1)} ns; 5-year spans elapsed ${longRun.elapsed.nsPerOp.toFixed(1)} ns, add ${longRun.add.nsPerOp.toFixed(1)} ns`,
  );
  console.log(
    `  ratio 5y / 1d: elapsed ${elapsedGrowth.toFixed(2)}×, add ${addGrowth.toFixed(2)}× (target < ${TARGETS.longOverShort}×: ${verdict(elapsedGrowth < TARGETS.longOverShort && addGrowth < TARGETS.longOverShort)})`,
  );

  const ok =
    elapsedRatio >= TARGETS.elapsed &&
    addRatio >= TARGETS.add &&
    elapsedGrowth < TARGETS.longOverShort &&
    addGrowth < TARGETS.longOverShort;
  process.exitCode = ok ? 0 : 1;
}

main();
