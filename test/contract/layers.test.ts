/**
 * The layer rules of eslint.layers.js fire: for each folder, an import that runs against the
 * direction (docs/architecture.md) is an error, an allowed one is not, and eslint.config.js
 * applies every rule. A rule that silently matched nothing would let the layers drift. The same
 * for the size limits of eslint.size.js: a file past 400 lines, a function past 80.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

type FlatConfig = Record<string, unknown>;
// Plain JavaScript config modules, outside the TypeScript project: imported by their URL.
const layersUrl = new URL('../../eslint.layers.js', import.meta.url).href;
const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
const sizeUrl = new URL('../../eslint.size.js', import.meta.url).href;
const { layerConfigs } = (await import(layersUrl)) as { layerConfigs: FlatConfig[] };
const { sizeConfigs } = (await import(sizeUrl)) as { sizeConfigs: FlatConfig[] };
const { default: config } = (await import(configUrl)) as { default: FlatConfig[] };

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...layerConfigs,
  ],
});

const sizeLint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...sizeConfigs,
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
    ['src/http/routes/x.ts', '../../storage/tenant.repository.js'],
    ['src/http/plugins/x.ts', '../../storage/schema.js'],
    ['src/http/x.ts', '../storage/migrator.js'],
    ['src/http/routes/x.ts', 'kysely'],
    ['src/http/plugins/x.ts', 'pg'],
    ['src/importers/x.ts', '../ingest/validate-event.js'],
    ['src/exports/x.ts', '../storage/report.repository.js'],
    ['src/exports/x.ts', '../http/formats.js'],
    ['src/demo/x.ts', '../storage/ticket-event.repository.js'],
    ['src/demo/x.ts', '../ingest/event-ingestor.js'],
  ])('%s importing %s is an error', async (file, from) => {
    expect(await restricted(file, from)).toHaveLength(1);
  });

  it.each([
    ['src/storage/x.ts', '../core/events.js'],
    ['src/tenant-config/x.ts', '../storage/tenant.repository.js'],
    ['src/ingest/x.ts', '../tenant-config/fold-context.js'],
    ['src/reporting/x.ts', '../storage/ticket-read.repository.js'],
    ['src/http/routes/x.ts', '../../reporting/work-queue.js'],
    ['src/http/plugins/x.ts', '../../tenant-config/api-keys.js'],
    ['src/http/routes/x.ts', '../../ingest/event-ingestor.js'],
    ['src/importers/x.ts', '../core/events.js'],
    ['src/exports/x.ts', '../core/report/table.js'],
    ['src/http/routes/x.ts', '../../exports/index.js'],
    ['src/demo/x.ts', '../core/calendar/index.js'],
  ])('%s importing %s is allowed', async (file, from) => {
    expect(await restricted(file, from)).toEqual([]);
  });

  it('eslint.config.js applies every layer rule', () => {
    for (const layer of layerConfigs) expect(config).toContain(layer);
  });
});

/** The size rules `file` breaks: a source of `lines` lines, with one function of `fnLines`. */
async function sizeRules(file: string, lines: number, fnLines = 4): Promise<string[]> {
  const fn = [
    'export function f(): number {',
    '  let n = 0;',
    ...Array.from({ length: fnLines - 4 }, () => '  n += 1;'),
    '  return n;',
    '}',
  ];
  const rest = Array.from({ length: lines - fn.length }, (_, i) => `export const c${i} = ${i};`);
  const [result] = await sizeLint.lintText([...fn, ...rest].join('\n') + '\n', { filePath: file });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('size rules', () => {
  it('a file of 401 lines breaks max-lines; one of 400 does not', async () => {
    expect(await sizeRules('src/ingest/x.ts', 401)).toEqual(['max-lines']);
    expect(await sizeRules('src/ingest/x.ts', 400)).toEqual([]);
  });

  it('a function of 81 lines breaks max-lines-per-function; one of 80 does not', async () => {
    expect(await sizeRules('src/reporting/x.ts', 81, 81)).toEqual(['max-lines-per-function']);
    expect(await sizeRules('src/reporting/x.ts', 80, 80)).toEqual([]);
  });

  it('TypeBox schema files are held to the file limit only', async () => {
    expect(await sizeRules('src/http/schemas/x.ts', 81, 81)).toEqual([]);
    expect(await sizeRules('src/http/schemas/x.ts', 401, 81)).toEqual(['max-lines']);
  });

  it('eslint.config.js applies every size rule', () => {
    for (const entry of sizeConfigs) expect(config).toContain(entry);
  });
});
