import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

interface SourceMap {
  sources: string[];
  sourceRoot?: string;
  sourcesContent?: Array<string | null>;
}

/** What `npm publish` would upload, listed without packing; scripts skipped, so `prepack` does not rebuild under other suites. */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 20_000,
  });
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return pack.files.map((f) => f.path);
}

describe('the packed package', () => {
  let files: string[];
  beforeAll(async () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true); // `npm test` builds first
    files = await packedFiles();
  });

  it('carries the entry points, their maps, the licence, the changelog and the readme', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/index.js.map',
        'dist/index.d.ts.map',
      ]),
    );
  });

  it('leaves out tests, the sample, CI scripts and dependencies', () => {
    const unwanted = files.filter((f) => /^(test|sample|dist-sample|\.ci|node_modules)\//.test(f) || f.includes('/node_modules/'));
    expect(unwanted).toEqual([]);
  });

  it('has source maps and declaration maps whose sources a user can open', () => {
    const packed = new Set(files);
    const maps = files.filter((f) => f.endsWith('.js.map') || f.endsWith('.d.ts.map'));
    expect(maps.length).toBeGreaterThan(2);
    const unresolved: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot = '', sourcesContent } = JSON.parse(readFileSync(`${root}${map}`, 'utf8')) as SourceMap;
      sources.forEach((source, i) => {
        const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
        if (!packed.has(path) && typeof sourcesContent?.[i] !== 'string') unresolved.push(`${map} → ${source}`);
      });
    }
    expect(unresolved).toEqual([]);
  });
});
