import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { JobsModule } from '../../lib/index.js';
import { createHttpApp, type HttpTestApp } from '../support/http-app.js';
import { queueConnection } from '../support/services.js';

describe("Bull Board's credentials from ConfigService", () => {
  let h: HttpTestApp;
  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  beforeAll(async () => {
    h = await createHttpApp({
      jobsModule: (prefix) =>
        JobsModule.forRootAsync({
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ BOARD_PASSWORD: 'from-config' })] })],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            connection: queueConnection(prefix),
            prefix,
            extraSettings: { board: { auth: { username: 'ops', password: config.getOrThrow<string>('BOARD_PASSWORD') } } },
          }),
          board: { route: '/ops/queues' }, // on; closed until credentials come
        }),
    });
  });
  afterAll(() => h?.close());

  it('asks for them, refuses others and lets the right ones in', async () => {
    const page = `${h.url}/ops/queues`;
    const anonymous = await fetch(page);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await fetch(page, { headers: basic('ops', 'wrong') })).status).toBe(401);
    const allowed = await fetch(`${page}/api/queues`, { headers: basic('ops', 'from-config') });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name)).toContain('default');
  });
});
