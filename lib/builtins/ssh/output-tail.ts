/** The last `max` bytes of a stream: the end of a command's output is where its outcome and errors are. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size <= this.max) return;
    const kept = Buffer.concat(this.chunks).subarray(this.size - this.max);
    this.chunks = [kept];
    this.size = kept.length;
    this.truncated = true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
