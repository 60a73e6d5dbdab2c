import { copyFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ts from 'typescript';
import { appFolder, type AppFolder } from '../support/app-folder.js';
import type { ReadmeBlock } from './readme-blocks.js';
import { blockSource, repoCompilerOptions } from './readme-compiler.js';

export type ReadmeApp = AppFolder;

/**
 * Writes named README blocks as the JavaScript of an app of their own, in an app folder with this package installed
 * (test/support/app-folder.ts), so the app imports exactly what the blocks import. `extra` files (the test's
 * driver) are copied in next to them.
 */
export function writeReadmeApp(root: string, blocks: ReadmeBlock[], extra: string[] = []): ReadmeApp {
  const app = appFolder(root, { type: 'module' });
  const { dir } = app;
  const compilerOptions = { ...repoCompilerOptions(root), noEmit: false, module: ts.ModuleKind.ES2022 };
  for (const block of blocks) {
    if (!block.file) throw new Error(`README.md:${block.line}: a block run as an app needs a file name (\`// name.ts\`)`);
    const { outputText } = ts.transpileModule(blockSource(block), { compilerOptions, fileName: block.file });
    writeFileSync(join(dir, block.file.replace(/\.ts$/, '.js')), outputText);
  }
  for (const file of extra) copyFileSync(file, join(dir, basename(file)));
  return app;
}
