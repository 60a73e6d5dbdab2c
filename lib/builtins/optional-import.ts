import { JobsConfigurationError } from '../jobs.errors.js';

/**
 * Loads a built-in's optional peer dependency when that built-in is enabled, so hosts that do not use it need not
 * install it; a missing package stops start-up with the command that fixes it.
 */
export async function importOptional<T>(name: string, builtin: string): Promise<T> {
  try {
    const loaded = (await import(name)) as { default?: T } & T;
    // CommonJS packages arrive as their `module.exports` under `default`.
    return loaded.default ?? loaded;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err;
    throw new JobsConfigurationError(`JobsModule option "builtins.${builtin}" needs the "${name}" package, which is not installed: run npm install ${name}.`);
  }
}
