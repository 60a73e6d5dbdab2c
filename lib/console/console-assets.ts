import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The files `npm run build` bundles into `dist/console/assets` (see `ui/console`), read once at start-up. */
export interface ConsoleAssets {
  html: string;
  files: Map<string, { body: Buffer; type: string }>;
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/**
 * Beside the compiled module in the package; from the source tree (the repository's own tests run `lib/` through
 * ts-jest), the bundle of the last build.
 */
const PLACES = ['./assets/', '../../dist/console/assets/'];

export function loadConsoleAssets(): ConsoleAssets {
  const dir = PLACES.map((p) => fileURLToPath(new URL(p, import.meta.url))).find((d) => existsSync(`${d}index.html`));
  if (!dir) throw new Error('The console bundle is missing: run `npm run build` (it builds dist/console/assets).');
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of ['console.js', 'console.css'])
    files.set(name, { body: readFileSync(dir + name), type: TYPES[name.split('.').pop()!] });
  return { html: readFileSync(`${dir}index.html`, 'utf8'), files };
}
