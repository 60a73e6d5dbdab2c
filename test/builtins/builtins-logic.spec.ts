import { describe, expect, it } from '@jest/globals';
import { JobsConfigurationError, UnrecoverableJobError, type JobContext } from '../../lib/index.js';
import { DestinationPolicy } from '../../lib/builtins/http/destination-policy.js';
import { HttpRequestJob } from '../../lib/builtins/http/http-request.job.js';
import type { HttpRequestPayload } from '../../lib/builtins/http/http-request.payload.js';
import { resolveHttpOptions } from '../../lib/builtins/http/http.options.js';
import { parseRetryAfter } from '../../lib/builtins/http/retry-after.js';
import { placeholders, render } from '../../lib/builtins/mail/mail-template.js';
import { importOptional } from '../../lib/optional-import.js';
import { isMailAddress } from '../../lib/builtins/payload-validators.js';
import { commandLine, shellQuote } from '../../lib/builtins/ssh/shell-command.js';
import { SshCommandJob } from '../../lib/builtins/ssh/ssh-command.job.js';
import { normalizeFingerprint } from '../../lib/builtins/ssh/host-key.js';
import { resolveSshOptions } from '../../lib/builtins/ssh/ssh.options.js';

describe('destination policy', () => {
  const open = new DestinationPolicy([], false);

  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['172.16.0.1'],
    ['192.168.1.1'],
    ['100.64.0.1'],
    ['169.254.169.254'],
    ['0.0.0.0'],
    ['::1'],
    ['::'],
    ['fd00:ec2::254'],
    ['fc12::1'],
    ['fe80::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:a9fe:a9fe'],
    ['64:ff9b::a9fe:a9fe'],
    ['192.0.2.1'],
    ['198.51.100.7'],
    ['203.0.113.9'],
    ['2001:db8::1'],
    ['100::1'],
    ['fec0::1'],
    ['64:ff9b:1::a9fe:a9fe'],
    ['2002:c0a8:101::1'],
    ['2002:5db8:d70e::1'],
  ])('refuses %s', (address) => {
    expect(open.refuseAddress('example.com', address)).toContain('allowHosts');
    expect(open.refuseName(address.includes(':') ? `[${address}]` : address)).toBeDefined();
  });

  it('lets public addresses through', () => {
    expect(open.refuseAddress('example.com', '93.184.215.14')).toBeUndefined();
    expect(open.refuseAddress('example.com', '2606:2800:21f:cb07:6820:80da:af6b:8b2c')).toBeUndefined();
  });

  it('refuses the metadata name before any lookup, even with a trailing dot', () => {
    expect(open.refuseName('metadata.google.internal.')).toContain('metadata');
  });

  it('allows what allowHosts lists: addresses, ranges, names and subdomains', () => {
    const policy = new DestinationPolicy(['127.0.0.1', '10.20.0.0/16', 'svc.internal', '*.corp.example', 'fd12::/16'], false);
    expect(policy.refuseAddress('x', '127.0.0.1')).toBeUndefined();
    expect(policy.refuseAddress('x', '10.20.3.4')).toBeUndefined();
    expect(policy.refuseAddress('x', '10.21.3.4')).toBeDefined();
    expect(policy.refuseAddress('svc.internal', '10.9.9.9')).toBeUndefined();
    expect(policy.refuseAddress('a.b.corp.example', '192.168.0.1')).toBeUndefined();
    expect(policy.refuseAddress('corp.example', '192.168.0.1')).toBeDefined();
    expect(policy.refuseAddress('x', 'fd12::5')).toBeUndefined();
  });

  it('with restrictToAllowHosts refuses public destinations not listed', () => {
    const policy = new DestinationPolicy(['api.example.com'], true);
    expect(policy.refuseAddress('api.example.com', '93.184.215.14')).toBeUndefined();
    expect(policy.refuseAddress('other.example.com', '93.184.215.14')).toContain('restrictToAllowHosts');
  });

  it('stops start-up on an entry that is no host, address or range', () => {
    expect(() => new DestinationPolicy(['10.0.0.0/99'], false)).toThrow(JobsConfigurationError);
    expect(() => new DestinationPolicy(['http://x'], false)).toThrow('builtins.http.allowHosts.0');
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const hour = 3_600_000;

  it('reads whole seconds and the three HTTP-date forms', () => {
    expect(parseRetryAfter('120', hour, now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', hour, now)).toBe(30_000);
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:00:30 GMT', hour, now)).toBe(30_000);
    expect(parseRetryAfter('Tue Jan  1 00:00:30 2030', hour, now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', hour, now)).toBe(0);
  });

  it('ignores anything else, so the backoff decides', () => {
    for (const value of ['soon', '1.5', '-1', '2030-01-01T00:00:30Z', undefined]) expect(parseRetryAfter(value, hour, now)).toBeUndefined();
  });

  it('ignores a wait longer than the cap', () => {
    expect(parseRetryAfter('99999999999', hour, now)).toBeUndefined();
    expect(parseRetryAfter('3600', hour, now)).toBe(hour);
    expect(parseRetryAfter('3601', hour, now)).toBeUndefined();
    expect(parseRetryAfter('Wed, 01 Jan 2031 00:00:00 GMT', hour, now)).toBeUndefined();
  });
});

describe('mail addresses', () => {
  it('takes one address, bare or with a display name', () => {
    expect(isMailAddress('ada@example.com')).toBe(true);
    expect(isMailAddress('Ada Lovelace <ada@example.com>')).toBe(true);
  });

  it('refuses a string nodemailer would read as several recipients, or a quoted name', () => {
    for (const value of [
      'other@evil.example, x@evil.example <ok@corp.example>',
      'a@evil.example; ok@corp.example',
      'Ops, Team <ok@corp.example>',
      '"x@evil.example" <ok@corp.example>',
      '"a,b"@corp.example',
    ]) {
      expect(isMailAddress(value)).toBe(false);
    }
  });
});

/** Just enough of a job context to call a handler directly. */
const contextFor = (data: unknown, signal = new AbortController().signal) =>
  ({ id: '1', name: 'x', queue: 'q', attempt: 1, maxAttempts: 1, data, signal }) as unknown as JobContext;

describe('http.request handler', () => {
  it('fails without retries on a URL that skipped validation', async () => {
    const job = new HttpRequestJob(resolveHttpOptions(true));
    try {
      for (const url of ['not a url', 'ftp://example.com/x']) {
        const data = { url } as HttpRequestPayload;
        await expect(job.handle(data, contextFor(data))).rejects.toThrow(UnrecoverableJobError);
      }
    } finally {
      job.onApplicationShutdown();
    }
  });
});

describe('mail templates', () => {
  it('fills dotted paths, escaping HTML only where asked', () => {
    const vars = { user: { name: '<b>Ada</b> & co' }, n: 3 };
    expect(render('Hi {{ user.name }}, {{n}} new', vars, false)).toBe('Hi <b>Ada</b> & co, 3 new');
    expect(render('<p>{{user.name}}</p>', vars, true)).toBe('<p>&lt;b&gt;Ada&lt;/b&gt; &amp; co</p>');
  });

  it('never reaches inherited properties', () => {
    expect(render('{{constructor.name}}', {}, false)).toBe('');
  });

  it('lists the placeholders a template uses', () => {
    expect(placeholders({ subject: 'Hi {{user.name}}', html: '{{link}} {{user.name}}' })).toEqual(['user.name', 'link']);
  });
});

describe('ssh command line', () => {
  it('single-quotes so nothing is expanded', () => {
    expect(shellQuote(`it's $HOME`)).toBe(`'it'\\''s $HOME'`);
  });

  it('exports variables and enters the directory before the command', () => {
    expect(commandLine('make && ls', '/srv/my app', { A: "x'y" })).toBe(`export A='x'\\''y' && cd -- '/srv/my app' && {\nmake && ls\n}`);
    expect(commandLine('ls')).toBe('{\nls\n}');
  });
});

describe('ssh options', () => {
  const host = { host: '127.0.0.1', username: 'deploy', password: 'pw' };

  it('refuses a host without a fingerprint unless insecureAcceptAnyHostKey is set', () => {
    expect(() => resolveSshOptions({ hosts: { prod: host } })).toThrow('builtins.ssh.hosts.prod.hostKeyFingerprint');
    expect(resolveSshOptions({ hosts: { prod: { ...host, insecureAcceptAnyHostKey: true } } }).hosts.get('prod')?.fingerprints).toEqual([]);
  });

  it('reads fingerprints as OpenSSH prints them, and refuses others', () => {
    const fp = `SHA256:${'A'.repeat(43)}`;
    expect(normalizeFingerprint(`sha256:${'A'.repeat(43)}=`)).toBe(fp);
    expect(() => resolveSshOptions({ hosts: { prod: { ...host, hostKeyFingerprint: 'MD5:aa:bb' } } })).toThrow(JobsConfigurationError);
  });

  it('defaults to one attempt, since a command may not be safe to repeat', () => {
    expect(resolveSshOptions({ hosts: { prod: { ...host, insecureAcceptAnyHostKey: true } } }).job.attempts).toBe(1);
  });
});

describe('ssh.command handler', () => {
  it('fails without retries, naming the alias, when a queued job names a host no longer configured', async () => {
    const job = new SshCommandJob(
      resolveSshOptions({ hosts: { web1: { host: '127.0.0.1', username: 'deploy', password: 'pw', insecureAcceptAnyHostKey: true } } }),
    );
    const data = { host: 'retired', command: 'ls' };
    const failed = job.handle(data, contextFor(data));
    await expect(failed).rejects.toThrow(UnrecoverableJobError);
    await expect(failed).rejects.toThrow('"retired"');
  });
});

describe('optional packages', () => {
  it('name the package to install when it is missing', async () => {
    await expect(importOptional('nestjs-jobs-no-such-package', 'mail')).rejects.toThrow('npm install nestjs-jobs-no-such-package');
  });
});
