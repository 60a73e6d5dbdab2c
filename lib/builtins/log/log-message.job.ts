import { Logger } from '@nestjs/common';
import type { JobHandler } from '../../interfaces/job-handler.interface.js';
import { DEFAULT_LOG_CATEGORY } from './log.options.js';
import type { LogMessagePayload, LogMessageResult } from './log-message.payload.js';

const METHOD = { debug: 'debug', info: 'log', warn: 'warn', error: 'error' } as const;

/** CR and LF become spaces, so a payload cannot start a forged log line. */
const oneLine = (text: string) => text.replace(/[\r\n]/g, ' ');

/** `log.message`: writes through Nest's `Logger`, so the line goes wherever the host sends its logs, under the category. */
export class LogMessageJob implements JobHandler<LogMessagePayload, LogMessageResult> {
  handle(data: LogMessagePayload): LogMessageResult {
    const result: LogMessageResult = {
      level: data.level ?? 'info',
      message: oneLine(data.message),
      category: oneLine(data.category ?? DEFAULT_LOG_CATEGORY),
    };
    const logger = new Logger(result.category);
    if (data.metadata) {
      result.metadata = data.metadata;
      logger[METHOD[result.level]](result.message, data.metadata);
    } else {
      logger[METHOD[result.level]](result.message);
    }
    return result;
  }
}
