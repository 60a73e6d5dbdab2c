import { JobProcessor, type JobContext, type JobHandler } from 'nestjs-jobs';

/** Slow enough to show timeout (set `seconds` above 10) and cancel (DELETE it while it runs). */
@JobProcessor('video.transcode', { timeout: 10_000, attempts: 1 })
export class TranscodeJob implements JobHandler<{ seconds: number }, string> {
  async handle(data: { seconds: number }, ctx: JobContext) {
    for (let s = 0; s < data.seconds; s++) {
      if (ctx.signal.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await ctx.progress(s + 1);
    }
    return 'transcoded';
  }
}
