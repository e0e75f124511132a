/** `npm run generate`: rewrites the generated artifacts (openapi.yaml) from the code. */
import { writeFile } from 'node:fs/promises';
import { renderOpenApiYaml } from '../src/http/openapi.js';
import { buildOfflineApp } from './offline-app.js';

const { app, close } = await buildOfflineApp();
await writeFile(new URL('../openapi.yaml', import.meta.url), renderOpenApiYaml(app));
await close();
console.log('wrote openapi.yaml');
