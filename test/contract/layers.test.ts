/**
 * The layer rules of eslint.layers.js fire: for each folder, an import that runs against the
 * direction (docs/architecture.md) is an error, an allowed one is not, and eslint.config.js
 * applies every rule. A rule that silently matched nothing would let the layers drift.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

type FlatConfig = Record<string, unknown>;
// Plain JavaScript config modules, outside the TypeScript project: imported by their URL.
const layersUrl = new URL('../../eslint.layers.js', import.meta.url).href;
const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
const { layerConfigs } = (await import(layersUrl)) as { layerConfigs: FlatConfig[] };
const { default: config } = (await import(configUrl)) as { default: FlatConfig[] };

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...layerConfigs,
  ],
});

async function restricted(file: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, {
    filePath: file,
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['src/storage/x.ts', '../ingest/ticket-updater.js'],
    ['src/storage/x.ts', '../tenant-config/fold-context.js'],
    ['src/tenant-config/x.ts', '../ingest/recompute-jobs.js'],
    ['src/tenant-config/x.ts', '../http/errors.js'],
    ['src/ingest/x.ts', '../reporting/work-queue.js'],
    ['src/reporting/x.ts', '../ingest/rebuild.js'],
    ['src/reporting/deep/x.ts', '../../ingest/rebuild.js'],
    ['src/reporting/x.ts', '../main.js'],
    ['src/http/routes/x.ts', '../../cli/commands.js'],
  ])('%s importing %s is an error', async (file, from) => {
    expect(await restricted(file, from)).toHaveLength(1);
  });

  it.each([
    ['src/storage/x.ts', '../core/events.js'],
    ['src/tenant-config/x.ts', '../storage/tenant.repository.js'],
    ['src/ingest/x.ts', '../tenant-config/fold-context.js'],
    ['src/reporting/x.ts', '../storage/ticket-read.repository.js'],
    ['src/http/routes/x.ts', '../../reporting/work-queue.js'],
  ])('%s importing %s is allowed', async (file, from) => {
    expect(await restricted(file, from)).toEqual([]);
  });

  it('eslint.config.js applies every layer rule', () => {
    for (const layer of layerConfigs) expect(config).toContain(layer);
  });
});
