import { ConsoleLogger, type LoggerService } from '@nestjs/common';

/** What a test app logs: nothing, unless JOBS_TEST_LOGS is set. */
export const testLogger = (): LoggerService =>
  process.env.JOBS_TEST_LOGS ? new ConsoleLogger() : { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };
