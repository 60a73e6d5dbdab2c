import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { waitUntil } from './wait.js';

const root = new URL('../../', import.meta.url).pathname;

/**
 * A fixture app in a process of its own (a `.mjs` file importing the built `dist/`), as a replica would run: what it
 * writes to stdout, line by line, and to stderr, for the failure message.
 */
export class ChildApp {
  readonly lines: string[] = [];
  private stderr = '';
  private readonly child: ChildProcess;
  private readonly listeners: Array<(line: string) => void> = [];

  constructor(script: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [script], { cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env } });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        this.lines.push(line);
        for (const listener of this.listeners) listener(line);
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4_000)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Calls `fn` with every line from now on. */
  onLine(fn: (line: string) => void): void {
    this.listeners.push(fn);
  }

  /** Resolves once the process wrote `line`; fails with what it wrote to stderr, or when it exits first. */
  async waitForLine(line: string, timeout: number): Promise<void> {
    await waitUntil(() => this.lines.includes(line) || this.exited, timeout, `"${line}" from ${this.pid}`).catch((err: Error) => {
      throw new Error(`${err.message}; it wrote: ${this.stderr || '(nothing)'}`);
    });
    if (!this.lines.includes(line)) throw new Error(`${this.pid} exited (${this.child.exitCode ?? this.child.signalCode}): ${this.stderr}`);
  }

  send(text: string): void {
    this.child.stdin!.write(`${text}\n`);
  }

  /** SIGTERM (the app's shutdown hooks run) or SIGKILL, and waits for the exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill(signal);
    await exit;
  }

  get errors(): string {
    return this.stderr;
  }
}
