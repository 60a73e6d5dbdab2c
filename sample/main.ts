import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
// Without this, SIGTERM kills the process and running jobs are cut off instead of finishing.
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
Logger.log(`Sample listening on ${await app.getUrl()} (POST /jobs/report.generate, GET /jobs/:id, DELETE /jobs/:id)`, 'Sample');
