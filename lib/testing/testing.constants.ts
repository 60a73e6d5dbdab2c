/**
 * `inline`: each job runs as it is added, and `add` resolves once it has ended (Sidekiq's inline testing); `fake`:
 * jobs are kept until `JobsTesting.drain()` or `runNext()` runs them (Sidekiq's fake, Oban's manual testing).
 */
export type JobsTestingMode = 'inline' | 'fake';

export const JOBS_TESTING_MODE = Symbol('nestjs-jobs:testing-mode');
