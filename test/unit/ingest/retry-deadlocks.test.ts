import { describe, expect, it } from 'vitest';
import { retryDeadlocks } from '../../../src/ingest/event-ingestor.js';

const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retryDeadlocks', () => {
  it('runs the transaction again after a deadlock, up to three attempts', async () => {
    let calls = 0;
    const result = await retryDeadlocks(async () => {
      calls += 1;
      if (calls < 3) throw deadlock;
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(calls).toBe(3);
  });

  it('gives up after the third deadlock', async () => {
    let calls = 0;
    await expect(
      retryDeadlocks(async () => {
        calls += 1;
        throw deadlock;
      }),
    ).rejects.toBe(deadlock);
    expect(calls).toBe(3);
  });

  it('never retries another error', async () => {
    let calls = 0;
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(
      retryDeadlocks(async () => {
        calls += 1;
        throw unique;
      }),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
  });
});
