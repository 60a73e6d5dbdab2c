import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ts from 'typescript';
import type { ReadmeBlock } from './readme-blocks.js';
import { blockSource, repoCompilerOptions } from './readme-compiler.js';

export interface ReadmeApp {
  dir: string;
  remove(): void;
}

/**
 * Writes named README blocks as the JavaScript of an app of their own, in a temporary folder whose `node_modules`
 * has this package as `nestjs-jobs` (resolved through its `exports` to the built `dist/`, as after `npm install`) and
 * this repository's dependencies, so the app imports exactly what the blocks import. `extra` files (the test's
 * driver) are copied in next to them.
 */
export function writeReadmeApp(root: string, blocks: ReadmeBlock[], extra: string[] = []): ReadmeApp {
  const dir = mkdtempSync(join(tmpdir(), 'readme-app-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-app', private: true, type: 'module' }));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (!name.startsWith('.')) symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  symlinkSync(root, join(modules, 'nestjs-jobs'));
  const compilerOptions = { ...repoCompilerOptions(root), noEmit: false, module: ts.ModuleKind.ES2022 };
  for (const block of blocks) {
    if (!block.file) throw new Error(`README.md:${block.line}: a block run as an app needs a file name (\`// name.ts\`)`);
    const { outputText } = ts.transpileModule(blockSource(block), { compilerOptions, fileName: block.file });
    writeFileSync(join(dir, block.file.replace(/\.ts$/, '.js')), outputText);
  }
  for (const file of extra) copyFileSync(file, join(dir, basename(file)));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
