import { BadRequestException, Body, Controller, Delete, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { JobService, JobsError, JobNotFoundError, type JobAddOptions } from 'nestjs-jobs';

/** A small controller of the host's own that enqueues and inspects jobs. */
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobService) {}

  @Post(':name')
  async add(@Param('name') name: string, @Body() body: { data?: unknown; options?: JobAddOptions }) {
    try {
      return await this.jobs.add(name, body?.data ?? {}, body?.options);
    } catch (err) {
      if (err instanceof JobsError) throw new BadRequestException({ code: err.code, message: err.message });
      throw err;
    }
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const job = await this.jobs.get(id);
    if (!job) throw new NotFoundException(`No job with id "${id}".`);
    return job;
  }

  @Delete(':id')
  async cancel(@Param('id') id: string) {
    try {
      return await this.jobs.cancel(id);
    } catch (err) {
      if (err instanceof JobNotFoundError) throw new NotFoundException(err.message);
      if (err instanceof JobsError) throw new BadRequestException({ code: err.code, message: err.message });
      throw err;
    }
  }

  @Get()
  counts() {
    return this.jobs.counts();
  }
}
