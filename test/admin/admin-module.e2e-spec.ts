import { describe, expect, it } from '@jest/globals';
import { Injectable, Module, ValidationPipe, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { JobsModule } from '../../lib/index.js';
import { OpenGuard } from '../support/open.guard.js';
import { createHttpApp } from '../support/http-app.js';
import { queueConnection } from '../support/services.js';

/** A provider of a module that is not global: the guard below can only reach it through `admin.imports`. */
@Injectable()
class ApiKeys {
  readonly valid = new Set(['k-123']);
}

@Module({ providers: [ApiKeys], exports: [ApiKeys] })
class ApiKeysModule {}

@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeys) {}
  canActivate(context: ExecutionContext): boolean {
    return this.keys.valid.has(context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-api-key']);
  }
}

describe('admin API set up by the host', () => {
  it('comes with forRootAsync, next to the factory, with guards that inject from admin.imports', async () => {
    const h = await createHttpApp({
      jobsModule: (prefix) =>
        JobsModule.forRootAsync({
          useFactory: async () => ({ connection: queueConnection(prefix), prefix }),
          admin: { enabled: true, path: '/ops/', guards: [ApiKeyGuard], imports: [ApiKeysModule] },
        }),
    });
    try {
      expect((await fetch(`${h.url}/ops/queues`)).status).toBe(403);
      const allowed = await fetch(`${h.url}/ops/queues`, { headers: { 'x-api-key': 'k-123' } });
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as Array<{ name: string }>).map((q) => q.name)).toEqual(['default']);
      // Without history the routes over it do not exist.
      expect((await fetch(`${h.url}/ops/executions`, { headers: { 'x-api-key': 'k-123' } })).status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('warns at start-up when enabled without guards, and is absent when not enabled', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, debug() {}, verbose() {}, warn: (message: unknown) => void warnings.push(String(message)) };
    const closed = await createHttpApp({ extras: { admin: { enabled: true } }, logger });
    await closed.close();
    expect(warnings).toContain('The admin API at /jobs has no guards, so it refuses every request (403); set admin.guards to open it.');

    const off = await createHttpApp({ extras: { admin: { enabled: false } } });
    try {
      expect((await fetch(`${off.url}/jobs/queues`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it("validates its input itself, whatever the host's global pipes do to it", async () => {
    const h = await createHttpApp({
      extras: { admin: { enabled: true, guards: [OpenGuard] } },
      // A common host setup: strip unknown fields and convert strings by the declared type.
      configure: (app) =>
        void app.useGlobalPipes(
          new ValidationPipe({ whitelist: true, transform: true, transformOptions: { enableImplicitConversion: true } }),
        ),
    });
    const post = (path: string, body: unknown) =>
      fetch(`${h.url}/jobs${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      const unknownField = await post('/queues/default/clean', { grace: 0, olderThan: 5 });
      expect(unknownField.status).toBe(400);
      expect(await unknownField.json()).toMatchObject({ fields: [{ field: 'olderThan' }] });
      // Converted by the host's pipe, "false" would have become true and drained the delayed jobs.
      const notBoolean = await post('/queues/default/drain', { delayed: 'false' });
      expect(notBoolean.status).toBe(400);
      expect(await notBoolean.json()).toMatchObject({ fields: [{ field: 'delayed' }] });
      expect((await fetch(`${h.url}/jobs/runs?limit=2`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('ends open event streams at shutdown rather than waiting on them', async () => {
    const h = await createHttpApp({ extras: { admin: { enabled: true, guards: [OpenGuard] } } });
    const stream = await fetch(`${h.url}/jobs/events`);
    const ended = (async () => {
      for await (const _ of stream.body as unknown as AsyncIterable<Uint8Array>);
      return true;
    })();
    await h.close();
    expect(await ended).toBe(true);
  });
});
