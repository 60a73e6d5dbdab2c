import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { JobPayloadValidationError, type MailSendResult } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';
import { waitUntil } from '../support/wait.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps every message and refuses recipients at nobody@. */
function startSmtp(received: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!address.address.startsWith('nobody@')) return callback();
      callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        received.push({ from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString() });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const received: Received[] = [];
let smtp: SMTPServer;
let t: JobsTestApp;
let templatesDir: string;

beforeAll(async () => {
  smtp = await startSmtp(received);
  templatesDir = mkdtempSync(join(tmpdir(), 'mail-templates-'));
  writeFileSync(join(templatesDir, 'digest.subject.txt'), 'Your {{count}} updates\n');
  writeFileSync(join(templatesDir, 'digest.html'), '<ul><li>{{first}}</li></ul>');
  const port = (smtp.server.address() as AddressInfo).port;
  t = await createJobsApp([], {
    defaultJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    builtins: {
      mail: {
        smtp: { host: '127.0.0.1', port, secure: false },
        from: 'Jobs <jobs@example.com>',
        templates: {
          welcome: {
            subject: 'Welcome {{user.name}}',
            text: 'Hi {{user.name}}, start at {{link}}',
            html: '<p>Hi {{user.name}}</p><a href="{{link}}">start</a>',
          },
        },
        templatesDir,
        maxAttachmentBytes: 1024,
      },
    },
  });
});

afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
  rmSync(templatesDir, { recursive: true, force: true });
});

async function send(data: object) {
  const { id } = await t.jobs.add('mail.send', data);
  const event = await t.events.waitFor(['completed', 'failed'], id);
  const messageId = event.type === 'completed' ? (event.result as MailSendResult).messageId : undefined;
  return {
    event,
    message: messageId ? await waitUntil(() => received.find((m) => m.raw.includes(messageId)), 5_000, 'the message') : undefined,
  };
}

describe('mail.send', () => {
  it('sends to every recipient, bcc only in the envelope, with an attachment', async () => {
    const attachment = { filename: 'note.txt', content: Buffer.from('attached words').toString('base64'), contentType: 'text/plain' };
    const { event, message } = await send({
      to: ['a@example.com', 'B <b@example.com>'],
      cc: 'c@example.com',
      bcc: 'd@example.com',
      subject: 'Hello',
      text: 'Plain body',
      attachments: [attachment],
    });
    expect(event).toMatchObject({
      result: { accepted: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'], rejected: [] },
    });
    expect(message).toMatchObject({ from: 'jobs@example.com', to: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'] });
    expect(message!.raw).toContain('Subject: Hello');
    expect(message!.raw).toContain('Cc: c@example.com');
    // Bcc is in the envelope only: no header names it (the random Message-ID may end in "d@example.com" itself).
    expect(message!.raw).not.toMatch(/^Bcc:/im);
    expect(message!.raw).not.toMatch(/[\s<,]d@example\.com/);
    expect(message!.raw).toContain('filename=note.txt');
    expect(message!.raw).toContain(attachment.content);
  });

  it('fills a template, escaping the values in HTML only', async () => {
    const { message } = await send({
      to: 'ada@example.com',
      template: 'welcome',
      variables: { user: { name: 'Ada <b>&</b>' }, link: 'https://example.com/?a=1' },
    });
    expect(message!.raw).toContain('Subject: Welcome Ada <b>&</b>');
    expect(message!.raw).toContain('Hi Ada <b>&</b>, start at https://example.com/?a=1');
    expect(message!.raw).toContain('<p>Hi Ada &lt;b&gt;&amp;&lt;/b&gt;</p>');
  });

  it('reads templates from a folder', async () => {
    const { message } = await send({ to: 'ada@example.com', template: 'digest', variables: { count: 2, first: 'x < y' } });
    expect(message!.raw).toContain('Subject: Your 2 updates');
    expect(message!.raw).toContain('<ul><li>x &lt; y</li></ul>');
  });

  it('sends to the recipients the server takes and lists the one it refused', async () => {
    const { event, message } = await send({ to: ['ok@example.com', 'nobody@example.com'], subject: 'Partly', text: 'x' });
    expect(event).toMatchObject({ result: { accepted: ['ok@example.com'], rejected: ['nobody@example.com'] } });
    expect(message!.to).toEqual(['ok@example.com']);
  });

  it('fails at once when the server refuses every recipient', async () => {
    const { event } = await send({ to: 'nobody@example.com', subject: 'Nobody', text: 'x' });
    expect(event).toMatchObject({ type: 'failed', attempt: 1, error: { message: expect.stringContaining('nobody@example.com') } });
  });

  it('refuses at enqueue an unknown template, a missing variable, an address and an oversized attachment', async () => {
    const fields = (data: object) =>
      t.jobs.add('mail.send', data).then(
        () => [],
        (err: unknown) => (err as JobPayloadValidationError).errors.map((e) => e.field).sort(),
      );
    expect(await fields({ to: 'a@example.com', template: 'nope' })).toEqual(['template']);
    expect(await fields({ to: 'a@example.com', template: 'welcome', variables: { user: { name: 'Ada' } } })).toEqual(['variables']);
    expect(await fields({ to: 'not an address', subject: 'x' })).toEqual(['text', 'to']);
    const big = Buffer.alloc(2048).toString('base64');
    expect(await fields({ to: 'a@example.com', subject: 'x', text: 'x', attachments: [{ filename: 'big.bin', content: big }] })).toEqual([
      'attachments',
    ]);
    await expect(t.jobs.add('mail.send', { to: 'a@example.com', template: 'nope' })).rejects.toThrow(JobPayloadValidationError);
  });
});
