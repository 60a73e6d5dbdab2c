import { badOption as refuse, durationRule, isDuration, isPositiveInt } from '../option-checks.js';

/** Objects are named by type only: a built-in's options hold passwords and private keys. */
const shown = (got: unknown) =>
  typeof got === 'string' || typeof got === 'number' || typeof got === 'boolean' || got == null ? JSON.stringify(got) : typeof got;

/** Stops start-up naming the option at fault (`builtins.ssh.hosts.prod.port`) and what it expected. */
export function badOption(option: string, expected: string, got: unknown): never {
  refuse(`builtins.${option}`, expected, got, shown);
}

export function checkPositiveInt(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isPositiveInt(value)) badOption(option, 'a positive integer', value);
  return value;
}

export function checkDuration(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isDuration(value)) badOption(option, durationRule(), value);
  return value;
}

export function checkStringList(option: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim()))
    badOption(option, 'a list of non-empty strings', value);
  return value as string[];
}
