// Bundles the console (Preact, uPlot, this folder) into dist/console/assets: one script, one stylesheet and the page,
// served by the module's ConsoleController. Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here('../../dist/console/assets/');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { console: here('./main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(here('./index.html'), `${out}index.html`);
