import { JobsConfigurationError } from './jobs.errors.js';

/** Loads a package if it is installed; `undefined` if not. Any other failure of its loading is thrown. */
export async function importIfInstalled<T>(name: string): Promise<T | undefined> {
  try {
    const loaded = (await import(name)) as { default?: T } & T;
    // CommonJS packages arrive as their `module.exports` under `default`.
    return loaded.default ?? loaded;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err;
    return undefined;
  }
}

/**
 * Loads an optional peer dependency when the option that needs it is on, so hosts that do not use it need not install
 * it; a missing package stops start-up with the command that fixes it. `option` is the option's path in
 * `JobsModule.forRoot`, e.g. `history` or `builtins.mail`.
 */
export async function importOptional<T>(name: string, option: string): Promise<T> {
  const loaded = await importIfInstalled<T>(name);
  if (loaded === undefined) {
    throw new JobsConfigurationError(
      `JobsModule option "${option}" needs the "${name}" package, which is not installed: run npm install ${name}.`,
    );
  }
  return loaded;
}
