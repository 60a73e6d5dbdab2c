import { join } from 'node:path';
import ts from 'typescript';
import type { ReadmeBlock } from './readme-blocks.js';

/**
 * Where blocks live while compiled: a folder that exists only in memory, inside this package, so that `nestjs-jobs`
 * resolves to the built package through its own name (`exports` → `dist/index.d.ts`), as in a user's app, and every
 * other import from `node_modules`.
 */
const VIRTUAL = 'README.md.blocks';

export interface CompiledBlock {
  block: ReadmeBlock;
  path: string;
  /** `README.md:LINE:COL TSxxxx: message`, one per compiler error. */
  errors: string[];
}

/** The repository's compiler options (NodeNext, decorators, strict), for type-checking only. */
export function repoCompilerOptions(root: string): ts.CompilerOptions {
  const { config, error } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...options, noEmit: true, declaration: false, sourceMap: false, rootDir: undefined, outDir: undefined };
}

/** Where a block is compiled: all in one folder, so that `./send-email.job.js` finds the block named so, as in an app. */
export function blockPath(root: string, block: ReadmeBlock): string {
  return join(root, VIRTUAL, block.file ?? `readme-line-${block.line}.ts`);
}

/**
 * Type-checks every block as a module of its own (even one without imports), Node's blocks with the repository's
 * options and browser blocks with the DOM library instead of Node's types, and returns each block's errors.
 */
export function compileBlocks(root: string, blocks: ReadmeBlock[]): { blocks: CompiledBlock[]; global: string[] } {
  const base = { ...repoCompilerOptions(root), moduleDetection: ts.ModuleDetectionKind.Force };
  const dom = { ...base, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: [] };
  const compiled = blocks.map((block) => ({ block, path: blockPath(root, block), errors: [] as string[] }));
  const byPath = new Map(compiled.map((c) => [c.path, c]));
  if (byPath.size < compiled.length) throw new Error('Two README blocks are named as the same file');
  const global: string[] = [];
  for (const [options, group] of [
    [base, compiled.filter((c) => !c.block.dom)],
    [dom, compiled.filter((c) => c.block.dom)],
  ] as const) {
    if (!group.length) continue;
    const program = ts.createProgram({ rootNames: group.map((c) => c.path), options, host: virtualHost(options, byPath) });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const target = diagnostic.file && byPath.get(diagnostic.file.fileName);
      if (target) target.errors.push(located(target, diagnostic));
      else global.push(ts.formatDiagnostic(diagnostic, formatHost));
    }
  }
  return { blocks: compiled, global };
}

/** The source a block compiles as: its prelude, if any, on the first line, then the code. */
export function blockSource(block: ReadmeBlock): string {
  return block.prelude ? `${block.prelude}\n${block.code}` : block.code;
}

function located({ block }: CompiledBlock, diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const { line, character } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const inPrelude = block.prelude !== '' && line === 0;
  const readmeLine = inPrelude ? block.preludeLine : block.line + line - (block.prelude ? 1 : 0);
  const where = inPrelude ? `${readmeLine} (readme-prelude)` : `${readmeLine}:${character + 1}`;
  return `README.md:${where} TS${diagnostic.code}: ${message}`;
}

function virtualHost(options: ts.CompilerOptions, files: Map<string, CompiledBlock>): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const folders = new Set([...files.keys()].flatMap((path) => ancestors(path)));
  return {
    ...host,
    fileExists: (path) => files.has(path) || host.fileExists(path),
    readFile: (path) => (files.has(path) ? blockSource(files.get(path)!.block) : host.readFile(path)),
    directoryExists: (path) => folders.has(path) || (host.directoryExists?.(path) ?? false),
    getSourceFile(path, languageVersion, onError, shouldCreate) {
      const block = files.get(path);
      if (!block) return host.getSourceFile(path, languageVersion, onError, shouldCreate);
      return ts.createSourceFile(path, blockSource(block.block), languageVersion, true);
    },
  };
}

function ancestors(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/')).filter(Boolean);
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};
