import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { sampleBackends } from './backends.js';
import { credentials, shown } from './credentials.js';

const logger = new Logger('Sample');
const backends = await sampleBackends(process.env, (line) => logger.log(line));
logger.log(backends.summary);

// A start that fails after the embedded database started stops the database too.
const failed = async (err: unknown): Promise<never> => {
  await backends.stop();
  throw err;
};
const app = await NestFactory.create(AppModule.register(backends), { abortOnError: false }).catch(failed);
app.setGlobalPrefix('api/v1', { exclude: ['health', 'metrics'] });
// On SIGTERM or Ctrl+C, running jobs finish (or go back to their queue) and the last history rows are written before
// the process ends; an embedded database stops only after that. Nest's `enableShutdownHooks()` does the same without one.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => backends.stop())
      // As Nest does: the signal is raised again, now without a listener, so the process ends as it asked.
      .then(
        () => process.kill(process.pid, signal),
        (err: unknown) => {
          logger.error(`Shutdown failed: ${String(err)}`);
          process.exit(1);
        },
      );
  });
}

const document = SwaggerModule.createDocument(
  app,
  new DocumentBuilder().setTitle('nestjs-jobs sample').addBearerAuth().addSecurityRequirements('bearer').build(),
);
SwaggerModule.setup('docs', app, document);

await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1').catch(failed);
const url = (await app.getUrl()).replace('[::1]', 'localhost');
logger.log(`Sample listening on ${url}`);
logger.log(`Admin API   ${url}/api/v1/jobs   (Authorization: Bearer ${shown.adminToken})`);
logger.log(`Console     ${url}/api/v1/jobs-console   (sign in with the admin token)`);
logger.log(`Swagger UI  ${url}/docs   (document: ${url}/docs-json)`);
logger.log(`Bull Board  ${url}/api/v1/admin/queues   (user ${credentials.boardUser}, password ${shown.boardPassword})`);
logger.log(`Health      ${url}/health   Metrics ${url}/metrics`);
if (!process.env.ADMIN_TOKEN || !process.env.BOARD_PASSWORD)
  logger.warn('Credentials were made up for this run; set ADMIN_TOKEN, BOARD_USER and BOARD_PASSWORD to choose them.');
