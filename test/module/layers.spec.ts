import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/** ARCHITECTURE.md's layers, top first: a file may import from its own layer and the ones below it only. */
const LAYERS: Array<[name: string, paths: string[]]> = [
  ['entry points', ['index.ts', 'history.entry.ts']],
  ['module', ['jobs.module.ts', 'jobs.module-definition.ts', 'jobs-extras.module.ts', 'jobs.providers.ts', 'testing/']],
  ['extras', ['admin/', 'gateway/', 'observability/', 'board/', 'console/', 'builtins/', 'definitions/', 'history/', 'outbox/', 'events/']],
  ['facade', ['job.service.ts', 'jobs.lifecycle.ts']],
  ['scheduling', ['scheduling/']],
  ['discovery', ['discovery/']],
  ['runtime', ['runtime/']],
  ['options', ['jobs.options.ts', 'backends/']],
  ['policy', ['policy/']],
  ['decorators', ['decorators/']],
  [
    'foundation',
    [
      'interfaces/',
      'option-checks.ts',
      'optional-import.ts',
      'jobs.errors.ts',
      'jobs.constants.ts',
      'jobs.messages.ts',
      'http/',
      'within.ts',
    ],
  ],
];

const lib = new URL('../../lib/', import.meta.url).pathname;
const files = (readdirSync(lib, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split('\\').join('/'));
const IMPORT = /(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g;

/** Every relative import of each file, `import type` and `import()` included, as paths below lib/. */
const imports = new Map(
  files.map((file) => {
    const source = readFileSync(join(lib, file), 'utf8');
    const targets = [...source.matchAll(IMPORT)].map((m) =>
      relative(lib, normalize(join(lib, dirname(file), m[1]))).replace(/\.js$/, '.ts'),
    );
    return [file, targets];
  }),
);

const layerOf = (file: string): number => {
  const index = LAYERS.findIndex(([, paths]) => paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  if (index < 0) throw new Error(`lib/${file} is in no layer of ARCHITECTURE.md`);
  return index;
};

describe('the layers of lib/', () => {
  it('place every file', () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect(() => layerOf(file)).not.toThrow();
  });

  it('hold: no file imports from a layer above its own', () => {
    const upward = [...imports].flatMap(([file, targets]) =>
      targets
        .filter((t) => layerOf(t) < layerOf(file))
        .map((t) => `${file} (${LAYERS[layerOf(file)][0]}) → ${t} (${LAYERS[layerOf(t)][0]})`),
    );
    expect(upward).toEqual([]);
  });

  it('have no circle of imports', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      state.set(file, 'open');
      for (const target of imports.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
