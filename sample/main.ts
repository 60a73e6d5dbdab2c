import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { credentials, shown } from './credentials.js';

const app = await NestFactory.create(AppModule);
app.setGlobalPrefix('api/v1', { exclude: ['health', 'metrics'] });
// Without this, SIGTERM kills the process and running jobs are cut off instead of finishing.
app.enableShutdownHooks();

const document = SwaggerModule.createDocument(
  app,
  new DocumentBuilder().setTitle('nestjs-jobs sample').addBearerAuth().addSecurityRequirements('bearer').build(),
);
SwaggerModule.setup('docs', app, document);

await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', 'localhost');
const logger = new Logger('Sample');
logger.log(`Sample listening on ${url}`);
logger.log(`Admin API   ${url}/api/v1/jobs   (Authorization: Bearer ${shown.adminToken})`);
logger.log(`Swagger UI  ${url}/docs   (document: ${url}/docs-json)`);
logger.log(`Bull Board  ${url}/api/v1/admin/queues   (user ${credentials.boardUser}, password ${shown.boardPassword})`);
logger.log(`Health      ${url}/health   Metrics ${url}/metrics`);
if (!process.env.ADMIN_TOKEN || !process.env.BOARD_PASSWORD) logger.warn('Credentials were made up for this run; set ADMIN_TOKEN, BOARD_USER and BOARD_PASSWORD to choose them.');
