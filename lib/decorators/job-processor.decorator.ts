import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { JOB_PROCESSOR_METADATA } from '../jobs.constants.js';
import type { JobProcessorMetadata, JobProcessorOptions } from '../interfaces/job-processor-options.interface.js';

/** Marks a provider class as the handler of job `name`; the class implements `JobHandler`. */
export const JobProcessor = (name: string, options: JobProcessorOptions = {}): ClassDecorator =>
  applyDecorators(Injectable(), SetMetadata<string, JobProcessorMetadata>(JOB_PROCESSOR_METADATA, { name, options }));
