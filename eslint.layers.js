// @ts-check
/**
 * The direction of imports between the layers of src/ (docs/architecture.md), held by lint:
 * each entry names a folder and what it must not import: folders of ours and, for http, the
 * database packages. eslint.config.js applies them; test/contract/layers.test.ts proves each fires.
 */

/** Patterns that match an import of `folder` from anywhere below src/ (one or two levels up). */
const of = (...folders) =>
  folders.flatMap((f) => [`../${f}`, `../${f}/*`, `../../${f}`, `../../${f}/*`]);
const entryPoints = ['../main.js', '../../main.js', ...of('cli')];

/** @type {Array<{ folder: string, forbidden: string[], message: string }>} */
export const LAYERS = [
  {
    folder: 'storage',
    forbidden: [
      ...of('ingest', 'http', 'cli', 'reporting', 'exports', 'tenant-config'),
      ...entryPoints,
    ],
    message: 'storage may use core only',
  },
  {
    folder: 'tenant-config',
    forbidden: [...of('ingest', 'http', 'cli', 'reporting', 'exports'), ...entryPoints],
    message: 'tenant-config may use core and storage only',
  },
  {
    folder: 'ingest',
    forbidden: [...of('reporting', 'exports', 'http'), ...entryPoints],
    message: 'ingest may use core, storage and tenant-config, never the read side or HTTP',
  },
  {
    folder: 'reporting',
    forbidden: [...of('ingest', 'http', 'exports'), ...entryPoints],
    message: 'reporting may use core, storage and tenant-config, never ingest or HTTP',
  },
  {
    folder: 'exports',
    forbidden: [...of('ingest', 'http', 'storage'), ...entryPoints],
    message: "exports turn reporting's tables into bytes: no ingest, storage or HTTP",
  },
  {
    folder: 'importers',
    forbidden: [
      ...of('storage', 'tenant-config', 'ingest', 'reporting', 'exports', 'http'),
      ...entryPoints,
    ],
    message: 'importers turn source logs into wire events: they may use core only',
  },
  {
    folder: 'demo',
    forbidden: [
      ...of('storage', 'tenant-config', 'ingest', 'reporting', 'exports', 'http'),
      ...entryPoints,
    ],
    message:
      'demo generates a help desk and loads it through the public API (an app to inject into): core only',
  },
  {
    folder: 'http',
    forbidden: [
      ...of('storage'),
      'kysely',
      'kysely/*',
      'pg',
      'pg-copy-streams',
      '@electric-sql/*',
      ...entryPoints,
    ],
    message:
      'http calls services (tenant-config, ingest, reporting): no storage, SQL or database driver, and never main.ts or the CLI',
  },
];

/** The flat-config entries for {@link LAYERS}. */
export const layerConfigs = LAYERS.map(({ folder, forbidden, message }) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: [...new Set(forbidden)], message }] }],
  },
}));
