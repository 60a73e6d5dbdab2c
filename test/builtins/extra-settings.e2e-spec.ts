import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { SMTPServer } from 'smtp-server';
import {
  JobEventBus,
  JobService,
  JobsConfigurationError,
  JobsModule,
  type MailSendResult,
  type SshCommandResult,
} from '../../lib/index.js';
import { testLogger } from '../support/logger.js';
import { deletePrefix, queueConnection, uniquePrefix } from '../support/services.js';
import { TestSshServer, fingerprintOf } from '../support/ssh-server.js';
import { EventLog } from '../support/wait.js';

/** An SMTP server that takes mail only from the account `jobs` / `smtp-secret`. */
function startAuthenticatedSmtp(logins: string[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push(`${auth.username}:${auth.password}`);
      if (auth.username === 'jobs' && auth.password === 'smtp-secret') return callback(null, { user: 'jobs' });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('settings of the extras from ConfigService, through forRootAsync', () => {
  const prefix = uniquePrefix('settings');
  const ssh = new TestSshServer();
  const logins: string[] = [];
  let smtp: SMTPServer;
  let app: INestApplicationContext | undefined;

  /** The host's configuration, as ConfigModule would read it from the environment. */
  const env = () => ({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
    SMTP_USER: 'jobs',
    SMTP_PASS: 'smtp-secret',
    DEPLOY_PASSWORD: 'secret',
  });

  /** Secrets come from ConfigService; which extras are on, and their shape, stay static. */
  const compile = (extraSsh: Record<string, object> = {}) =>
    Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [env] }),
        JobsModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            connection: queueConnection(prefix),
            prefix,
            extraSettings: {
              builtins: {
                mail: {
                  smtp: {
                    host: config.getOrThrow<string>('SMTP_HOST'),
                    port: Number(config.getOrThrow<string>('SMTP_PORT')),
                    auth: { user: config.getOrThrow<string>('SMTP_USER'), pass: config.getOrThrow<string>('SMTP_PASS') },
                  },
                },
                ssh: { hosts: { box: { password: config.getOrThrow<string>('DEPLOY_PASSWORD') }, ...extraSsh } },
              },
            },
          }),
          builtins: {
            mail: { from: 'jobs@example.com' },
            ssh: {
              hosts: {
                box: { host: '127.0.0.1', port: ssh.port, username: 'deploy', hostKeyFingerprint: fingerprintOf(ssh.hostKey.public) },
              },
            },
          },
        }),
      ],
    })
      .setLogger(testLogger())
      .compile();

  beforeAll(async () => {
    smtp = await startAuthenticatedSmtp(logins);
    await ssh.start();
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => smtp.close(resolve));
    await ssh.stop();
    await deletePrefix(prefix);
  });

  it('sends mail with the SMTP account and runs a command with the SSH password the factory read', async () => {
    app = await (await compile()).init();
    const events = new EventLog(app.get(JobEventBus));
    const jobs = app.get(JobService);
    const mail = await jobs.add('mail.send', { to: 'ada@example.com', subject: 'Hi', text: 'Hello' });
    const command = await jobs.add('ssh.command', { host: 'box', command: 'echo configured' });
    const sent = await events.waitFor('completed', mail.id);
    const ran = await events.waitFor('completed', command.id);
    events.stop();
    expect((sent.result as MailSendResult).accepted).toEqual(['ada@example.com']);
    expect(logins).toEqual(['jobs:smtp-secret']);
    expect(ran.result as SshCommandResult).toMatchObject({ exitCode: 0, stdout: 'configured\n' });
  });

  it('refuses settings for an SSH host the static options do not declare', async () => {
    await expect(compile({ other: { password: 'x' } })).rejects.toThrow(JobsConfigurationError);
    await expect(compile({ other: { password: 'x' } })).rejects.toThrow(
      'JobsModule option "builtins.ssh.hosts.other" must be one of the hosts declared in builtins.ssh.hosts (box); got "other".',
    );
  });
});
