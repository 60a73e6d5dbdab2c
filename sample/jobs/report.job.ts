import { IsIn, IsInt, Max, Min } from 'class-validator';
import { JobProcessor, type JobContext, type JobHandler } from 'nestjs-jobs';

export class ReportDto {
  @IsIn(['sales', 'stock'])
  kind!: 'sales' | 'stock';

  @IsInt()
  @Min(1)
  @Max(20)
  pages!: number;
}

/** Reports progress page by page. */
@JobProcessor('report.generate', { queue: 'reports', schema: ReportDto })
export class ReportJob implements JobHandler<ReportDto, { kind: string; pages: number }> {
  async handle(data: ReportDto, ctx: JobContext) {
    for (let page = 1; page <= data.pages; page++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await ctx.progress(Math.round((page / data.pages) * 100));
    }
    await ctx.log(`rendered ${data.pages} pages of ${data.kind}`);
    return { kind: data.kind, pages: data.pages };
  }
}
