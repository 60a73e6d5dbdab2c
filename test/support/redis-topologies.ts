import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitUntil } from './wait.js';

export interface SentinelPorts {
  master: number;
  replica: number;
  sentinels: [number, number, number];
}

/** Whether something listens on a loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/**
 * A master, one replica and three Sentinels (quorum 2) of a test's own, on loopback ports, without persistence, their
 * files in a temp dir. Sentinels call the master down after `downAfterMs` without an answer, so a failover takes seconds.
 */
export class SentinelTopology {
  readonly name = 'mymaster';
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  private readonly servers = new Map<number, ChildProcess>();

  constructor(
    readonly ports: SentinelPorts,
    private readonly downAfterMs = 1_000,
  ) {}

  /** What an app connects with: ioredis' Sentinel options. */
  get connection() {
    return { redis: { sentinels: this.ports.sentinels.map((port) => ({ host: '127.0.0.1', port })), name: this.name } };
  }

  async start(): Promise<void> {
    const { master, replica, sentinels } = this.ports;
    for (const port of [master, replica, ...sentinels]) if (await listening(port)) throw new Error(`Port ${port} is already in use`);
    // No disk, and a replica's first full sync at once rather than after Redis' 5 s wait for more replicas.
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', '--dir', this.dir];
    this.run(master, ['--port', String(master), ...common]);
    this.run(replica, ['--port', String(replica), ...common, '--replicaof', '127.0.0.1', String(master)]);
    for (const port of sentinels) {
      // Sentinel rewrites its configuration file, so each has one of its own.
      const file = join(this.dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${this.name} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${this.name} ${this.downAfterMs}`,
          `sentinel failover-timeout ${this.name} 10000`,
          `sentinel parallel-syncs ${this.name} 1`,
          '',
        ].join('\n'),
      );
      this.run(port, [file, '--sentinel']);
    }
    // Ready once the replica follows the master and every Sentinel knows the replica and the two other Sentinels.
    await waitUntil(
      async () => /master_link_status:up/.test(await this.ask(replica, 'INFO', 'replication')),
      20_000,
      'the replica in sync',
    );
    await waitUntil(
      async () => {
        const views = await Promise.all(sentinels.map((port) => this.ask(port, 'SENTINEL', 'MASTER', this.name)));
        return views.every((view) => {
          const fields = view.split('\n');
          const field = (name: string) => fields[fields.indexOf(name) + 1];
          return field('num-slaves') === '1' && field('num-other-sentinels') === '2';
        });
      },
      20_000,
      'three Sentinels that know each other and the replica',
    );
  }

  /** The port a majority of Sentinels give as the master's now, as clients asking them are told. */
  async masterPort(): Promise<number | undefined> {
    const answers = await Promise.all(this.ports.sentinels.map((port) => this.ask(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)));
    const ports = answers.map((answer) => Number(answer.split('\n')[1]));
    return ports.find((port) => ports.filter((p) => p === port).length >= 2);
  }

  /** Kills a server at once, as a crash or a lost host would: no shutdown, no last write to its replica. */
  kill(port: number): void {
    this.servers.get(port)?.kill('SIGKILL');
  }

  /**
   * Cuts the replica off the master, as a network partition would: the master drops its link and the replica cannot
   * make a new one (it offers a password the master does not have), so the master's writes from now on reach no replica.
   */
  async cutReplicaOff(): Promise<void> {
    await this.command(this.ports.replica, 'CONFIG', 'SET', 'masterauth', 'partitioned');
    await this.command(this.ports.master, 'CLIENT', 'KILL', 'TYPE', 'replica');
    await waitUntil(async () => /connected_slaves:0/.test(await this.ask(this.ports.master, 'INFO', 'replication')), 5_000, 'the link cut');
  }

  /** Lets the replica link up again (to whichever master the Sentinels give it). */
  async healReplica(): Promise<void> {
    await this.command(this.ports.replica, 'CONFIG', 'SET', 'masterauth', '');
  }

  /** One command on one server; fails if the server refuses it or does not answer. */
  async command(port: number, ...command: string[]): Promise<unknown> {
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined); // the call fails with it
    try {
      return await redis.call(command[0], ...command.slice(1));
    } finally {
      redis.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(async (server) => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        const exit = once(server, 'exit');
        server.kill('SIGKILL');
        await exit;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(port: number, args: string[]): void {
    const server = spawn('redis-server', [...args, '--logfile', join(this.dir, `${port}.log`)], { stdio: 'ignore' });
    this.servers.set(port, server);
  }

  /** One command, its reply flattened to lines; '' when the server does not answer. */
  private async ask(port: number, ...command: string[]): Promise<string> {
    try {
      return ([await this.command(port, ...command)] as unknown[]).flat(2).map(String).join('\n');
    } catch {
      return '';
    }
  }
}
