// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerConfigs } from './eslint.layers.js';
import { sizeConfigs } from './eslint.size.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'queries/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify handlers and hooks are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The core is pure: no database, HTTP, filesystem, clock or process access.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../storage/*',
                '../../storage/*',
                '../ingest/*',
                '../../ingest/*',
                '../http/*',
                '../../http/*',
                '../cli/*',
                '../../cli/*',
                '../reporting/*',
                '../../reporting/*',
                '../exports/*',
                '../../exports/*',
              ],
              message: 'core imports nothing of ours outside core',
            },
            {
              group: [
                'node:fs',
                'node:fs/*',
                'fs',
                'pg',
                'kysely',
                'fastify',
                '@electric-sql/*',
                'node:http',
                'node:net',
              ],
              message: 'core is pure: no I/O',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'core is pure' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core is pure: time is a parameter' },
      ],
    },
  },
  ...layerConfigs,
  ...sizeConfigs,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Code that handles the DOM is typed by tsconfig.web.json (the DOM's types stay out of the
    // service's tsconfig.json).
    files: [
      'web/src/**/*.ts',
      'test/browser/**/*.ts',
      'bench/dashboard/**/*.ts',
      'scripts/screenshots.ts',
    ],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['./tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // The dashboard's front end runs in the browser (docs/dashboard.md): DOM globals, no Node.
    files: ['web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'web/ runs in a browser' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', '../../src/*'], message: 'web/ runs in a browser' }] },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
