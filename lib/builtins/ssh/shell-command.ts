/** A POSIX shell single-quoted word: nothing inside is expanded; a quote is closed, escaped and reopened. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The line the remote shell runs. Servers mostly refuse SSH `env` requests, so variables are exported and the directory
 * entered by the shell itself. The command runs in a group after both, so every part of a compound command sees them
 * and none of it runs if `cd` fails.
 */
export function commandLine(command: string, workingDirectory?: string, env?: Record<string, string>): string {
  const steps: string[] = [];
  const vars = Object.entries(env ?? {});
  if (vars.length) steps.push(`export ${vars.map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ')}`);
  if (workingDirectory !== undefined) steps.push(`cd -- ${shellQuote(workingDirectory)}`);
  steps.push(`{\n${command}\n}`);
  return steps.join(' && ');
}
