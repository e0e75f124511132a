/**
 * A key_id is typed as a CLI argument (`keys revoke <key_id>`): a generated one never starts with
 * '-' (it would read as an option), and the CLI takes the key as `keys list` shows it too.
 */
import { describe, expect, it } from 'vitest';
import { generateKey, keyIdArgument, keyIdOf } from '../../../src/storage/tenant.repository.js';

describe('API key ids', () => {
  it('never start with "-" (one base64url secret in 64 does: 20,000 draws would show ~300)', () => {
    for (let i = 0; i < 20_000; i++) {
      const { key, keyId } = generateKey();
      expect(keyId.startsWith('-'), keyId).toBe(false);
      expect(keyIdOf(key)).toBe(keyId);
      expect(key).toMatch(/^dm_[A-Za-z0-9_-]{32}$/);
    }
  });

  it('are read from the key_id, the key as listed (dm_abcdefgh…) or the whole key', () => {
    const { key, keyId } = generateKey();
    expect(keyIdArgument(keyId)).toBe(keyId);
    expect(keyIdArgument(`dm_${keyId}…`)).toBe(keyId);
    expect(keyIdArgument(`dm_${keyId}`)).toBe(keyId);
    expect(keyIdArgument(key)).toBe(keyId);
    expect(keyIdArgument('dm_-Yabcdef…')).toBe('-Yabcdef');
    // A key_id that itself begins with "dm_" (8 characters) is taken as it is.
    expect(keyIdArgument('dm_abcde')).toBe('dm_abcde');
  });
});
