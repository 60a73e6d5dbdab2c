// Runs the benchmark's TypeScript as ES modules through the hooks in ts-hooks.mjs (TypeScript's transpileModule,
// no type check at run time: `npm run typecheck` covers these files). ts-node/esm is not used: its copy of Node's
// resolver mis-resolves package exports with subpath patterns (@nestjs/common/utils/*.js).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
