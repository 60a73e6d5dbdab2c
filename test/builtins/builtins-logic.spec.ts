import { describe, expect, it } from '@jest/globals';
import { JobsConfigurationError } from '../../lib/index.js';
import { DestinationPolicy } from '../../lib/builtins/http/destination-policy.js';
import { parseRetryAfter } from '../../lib/builtins/http/retry-after.js';
import { placeholders, render } from '../../lib/builtins/mail/mail-template.js';
import { importOptional } from '../../lib/builtins/optional-import.js';
import { commandLine, shellQuote } from '../../lib/builtins/ssh/shell-command.js';
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
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
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
    expect(commandLine('make && ls', '/srv/my app', { A: "x'y" })).toBe(`export A='x'\\''y' && cd '/srv/my app' && {\nmake && ls\n}`);
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

describe('optional packages', () => {
  it('name the package to install when it is missing', async () => {
    await expect(importOptional('nestjs-jobs-no-such-package', 'mail')).rejects.toThrow('npm install nestjs-jobs-no-such-package');
  });
});
