/**
 * A progress bar on stderr (stdout carries the Markdown report). On a terminal it redraws one
 * line; otherwise it prints a line at every quarter, so CI logs stay short.
 */
export class Progress {
  private label = '';
  private total = 0;
  private startedAt = 0;
  private startDone = 0;
  private lastDraw = 0;
  private lastQuarter = -1;
  private lines = true;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = stream.isTTY === true;
  }

  /**
   * `done`: where the bar starts (continuing after an interruption such as a query stage, without
   * repeating the lines already printed). `lines: false`: draw only on a terminal (short repeated
   * steps would flood a log).
   */
  start(label: string, total: number, { lines = true, done = 0 } = {}): void {
    this.finish();
    this.label = label;
    this.total = total;
    this.lines = lines;
    this.startedAt = Date.now();
    this.startDone = done;
    this.lastDraw = 0;
    this.lastQuarter = done > 0 ? this.quarter(done) : -1;
    this.update(done);
  }

  private quarter(done: number): number {
    return Math.floor((this.total > 0 ? Math.min(1, done / this.total) : 1) * 4);
  }

  update(done: number, detail = ''): void {
    if (!this.label) return;
    const now = Date.now();
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    if (this.tty) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = 28;
      const filled = Math.round(fraction * width);
      const elapsed = (now - this.startedAt) / 1000;
      const progressed = done - this.startDone;
      const eta = progressed > 0 && done < this.total ? ` ETA ${Math.ceil((elapsed / progressed) * (this.total - done))}s` : '';
      const columns = (this.stream.columns ?? 120) - 1;
      const line = `${this.label.padEnd(16)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}${eta} ${detail}`;
      this.stream.write(`\r${line.slice(0, columns).padEnd(Math.min(119, columns))}`);
    } else if (this.lines) {
      const quarter = this.quarter(done);
      if (quarter === this.lastQuarter) return;
      this.lastQuarter = quarter;
      this.stream.write(
        `${this.label}: ${(fraction * 100).toFixed(0)}% (${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}) ${detail}\n`,
      );
    }
  }

  /** A one-off status line (between bars). */
  note(message: string): void {
    this.finish();
    this.stream.write(`${message}\n`);
  }

  finish(): void {
    if (this.label && this.tty) this.stream.write('\n');
    this.label = '';
  }
}
