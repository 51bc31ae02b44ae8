// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL's terminal progress: "0...10...20...30...40...50...60...70...80...90...100 - done."
// (a number every 10 %, a dot every 2.5 %), as GDALTermProgress prints it. Log lines get their own
// lines; the progress line is reprinted whole at its next tick, so the last line always reads whole.

export class TermProgress {
  private ticks = -1; // last printed tick (0..40)
  private midLine = false;
  private needsPrefix = false;
  constructor(private readonly write: (s: string) => void) {}

  private tick(t: number): string {
    return t % 4 === 0 ? String((t / 4) * 10) : '.';
  }

  update(percent: number): void {
    const target = Math.min(40, Math.floor((percent / 100) * 40 + 1e-9));
    if (target <= this.ticks) return;
    if (this.needsPrefix) {
      let s = '';
      for (let t = 0; t <= this.ticks; t++) s += this.tick(t);
      this.write(s);
      this.needsPrefix = false;
    }
    while (this.ticks < target) {
      this.ticks++;
      this.write(this.tick(this.ticks));
      this.midLine = true;
      if (this.ticks === 40) {
        this.write(' - done.\n');
        this.midLine = false;
      }
    }
  }

  /** Print a log line on a line of its own. */
  log(line: string): void {
    if (this.midLine) this.write('\n');
    this.midLine = false;
    this.write(line + '\n');
    if (this.ticks >= 0 && this.ticks < 40) this.needsPrefix = true;
  }

  /** End a half-printed progress line (before an error message). */
  interrupt(): void {
    if (this.midLine) this.write('\n');
    this.midLine = false;
  }

  finish(): void {
    this.update(100);
  }
}
