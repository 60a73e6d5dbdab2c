import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobPayloadValidationError } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { TestSshServer, fingerprintOf, keyPair } from '../support/ssh-server.js';
import { waitUntil } from '../support/wait.js';

const server = new TestSshServer();
let t: JobsTestApp;
let workdir: string;

beforeAll(async () => {
  await server.start();
  workdir = realpathSync(mkdtempSync(join(tmpdir(), 'ssh job ')));
  const base = { host: '127.0.0.1', port: server.port, username: 'deploy' };
  t = await createJobsApp([], {
    builtins: {
      ssh: {
        hosts: {
          box: { ...base, password: 'secret', hostKeyFingerprint: fingerprintOf(server.hostKey.public) },
          keyed: {
            ...base,
            privateKey: server.clientKey.private,
            hostKeyFingerprint: [fingerprintOf(server.clientKey.public), fingerprintOf(server.hostKey.public)],
          },
          impostor: { ...base, password: 'secret', hostKeyFingerprint: fingerprintOf(keyPair().public) },
        },
      },
    },
  });
});

afterAll(async () => {
  await t?.close();
  await server.stop();
  rmSync(workdir, { recursive: true, force: true });
});

async function run(data: object, attempts?: number) {
  const { id } = await t.jobs.add('ssh.command', data, attempts ? { attempts } : undefined);
  return t.events.waitFor(['completed', 'failed'], id);
}

describe('ssh.command', () => {
  it('runs a command and keeps its output and exit code', async () => {
    const done = await run({ host: 'box', command: 'echo out; echo err >&2' });
    expect(done).toHaveProperty('result', {
      host: 'box',
      exitCode: 0,
      stdout: 'out\n',
      stderr: 'err\n',
      stdoutTruncated: false,
      stderrTruncated: false,
    });
  });

  it('logs in with a private key too', async () => {
    expect(await run({ host: 'keyed', command: 'echo keyed' })).toMatchObject({ result: { stdout: 'keyed\n' } });
  });

  it('runs in the working directory with the environment, quoted so nothing in them is expanded', async () => {
    const done = await run({
      host: 'box',
      command: 'pwd; echo "$GREETING"; echo "$OTHER"',
      workingDirectory: workdir,
      env: { GREETING: "it's $HOME", OTHER: '`id`' },
    });
    expect(done).toHaveProperty('result.stdout', `${workdir}\nit's $HOME\n\`id\`\n`);
  });

  it('fails the attempt on a non-zero exit, with the code and the end of stderr', async () => {
    const failed = await run({ host: 'box', command: 'echo first >&2; echo boom >&2; exit 3' });
    expect(failed).toMatchObject({
      type: 'failed',
      error: { name: 'SshCommandError', message: expect.stringMatching(/exited with code 3: first\nboom$/) },
    });
  });

  it('refuses a host whose key is not the configured fingerprint, without retries', async () => {
    const before = server.running + server.channelsClosed;
    const failed = await run({ host: 'impostor', command: 'echo never' }, 3);
    expect(failed).toMatchObject({
      type: 'failed',
      attempt: 1,
      error: { name: 'SshHostKeyError', message: expect.stringContaining(fingerprintOf(server.hostKey.public)) },
    });
    expect(server.running + server.channelsClosed).toBe(before);
  });

  it('refuses an unknown alias, or a bad variable name, at enqueue', async () => {
    const refused = await t.jobs
      .add('ssh.command', { host: 'db.example.com', command: 'ls', env: { 'BAD-NAME': 'x' } })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(JobPayloadValidationError);
    const errors = (refused as JobPayloadValidationError).errors;
    expect(errors.map((e) => e.field).sort()).toEqual(['env', 'host']);
    expect(errors.find((e) => e.field === 'host')?.constraints.isIn).toContain('box, keyed, impostor');
  });

  it('sends TERM, closes the channel and kills the command when its timeout passes', async () => {
    const closed = server.channelsClosed;
    const signals = server.signals.length;
    const failed = await run({ host: 'box', command: 'sleep 30', timeout: 300 });
    expect(failed).toMatchObject({
      type: 'failed',
      error: { name: 'SshCommandError', message: expect.stringContaining('timed out after 300 ms') },
    });
    await waitUntil(() => server.channelsClosed > closed && server.running === 0, 5_000, 'the channel to close');
    expect(server.signals.slice(signals)).toEqual(['TERM']);
  });

  it('sends TERM, closes the channel and kills the command when the job is cancelled', async () => {
    const killed = server.killed;
    const signals = server.signals.length;
    const { id } = await t.jobs.add('ssh.command', { host: 'box', command: 'sleep 30' });
    await waitUntil(() => server.running > 0, 5_000, 'the command to start');
    await t.jobs.cancel(id);
    await t.events.waitFor('cancelled', id);
    await waitUntil(() => server.killed > killed && server.running === 0, 5_000, 'the command to be killed');
    expect(server.signals.slice(signals)).toEqual(['TERM']);
  });
});
