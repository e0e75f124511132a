/**
 * The contract fuzzer on a fixed seed (issue 17, docs/fuzzing.md): about 2,000 requests across
 * every operation of openapi.yaml — valid ones and mutants — and not one answer may break the
 * contract. A failure prints the request and the command that replays it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  formatFailure,
  formatSummary,
  FUZZ_NOW,
  runFuzz,
  type FuzzResult,
} from './openapi-fuzz.js';
import { serverLog } from './server-log.js';
import { loadSpec } from './spec.js';

const SEED = 17;
const REQUESTS = 2000;

let t: TestApp;
let result: FuzzResult;
const log = serverLog();
const spec = loadSpec();

beforeAll(async () => {
  t = await createTestApp({ now: () => FUZZ_NOW, logger: log.logger });
  result = await runFuzz({
    target: { app: t.app, keys: t.keys },
    seed: SEED,
    requests: REQUESTS,
    spec,
    drainLog: log.drain,
    timeoutMs: 20_000,
  });
  console.log(formatSummary(result));
}, 110_000);
afterAll(async () => t?.close());

describe(`the contract fuzzer, seed ${SEED}`, () => {
  it('finds no request that breaks the contract', () => {
    expect(result.requests).toBe(REQUESTS);
    expect(result.failures.map(formatFailure).join('\n\n')).toBe('');
  });

  it('reaches every operation, and every operation answers some valid request with a 2xx', () => {
    for (const op of spec.operations) {
      const stats = result.operations.get(op.id)!;
      expect(stats.requests, op.id).toBeGreaterThan(REQUESTS / spec.operations.length / 2);
      expect(stats.validOk, `${op.id}: no valid request answered 2xx`).toBeGreaterThan(0);
    }
  });

  it('sends every kind of mutant', () => {
    expect(result.variants.size).toBeGreaterThan(30);
    expect(result.statuses.get(414)).toBeGreaterThan(0);
  });
});
