import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AppFolder {
  dir: string;
  remove(): void;
}

export interface AppFolderOptions {
  /** The folder's `package.json` type. */
  type: 'module' | 'commonjs';
  /** Packages left out of `node_modules`, as if never installed. */
  without?: string[];
}

/**
 * A temporary application folder whose `node_modules` holds this repository's dependencies (linked) and this package as
 * `nestjs-jobs`, a copy of what `npm pack` ships (`package.json` and `dist/`), so the package resolves its own imports
 * from this folder only, as after `npm install`: a package left out is one the package cannot load.
 */
export function appFolder(root: string, options: AppFolderOptions): AppFolder {
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-jobs-app-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: options.type }));
  const without = new Set(options.without ?? []);
  const modules = join(dir, 'node_modules');
  const link = (from: string, to: string, name: string) => {
    for (const entry of readdirSync(from)) {
      const full = name ? `${name}/${entry}` : entry;
      if (entry.startsWith('.') || without.has(full)) continue;
      if (!name && entry.startsWith('@')) {
        mkdirSync(join(to, entry), { recursive: true });
        link(join(from, entry), join(to, entry), entry);
      } else symlinkSync(join(from, entry), join(to, entry));
    }
  };
  mkdirSync(modules);
  link(join(root, 'node_modules'), modules, '');
  const own = join(modules, 'nestjs-jobs');
  mkdirSync(own);
  cpSync(join(root, 'package.json'), join(own, 'package.json'));
  cpSync(join(root, 'dist'), join(own, 'dist'), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
