// SPDX-License-Identifier: GPL-2.0-or-later
// GDAL's terminal progress: "0...10...20...30...40...50...60...70...80...90...100 - done."
// (a number every 10 %, a dot every 2.5 %), as GDALTermProgress prints it.

export class TermProgress {
  private ticks = -1; // last printed tick (0..40)
  private midLine = false;
  constructor(private readonly write: (s: string) => void) {}

  update(percent: number): void {
    const target = Math.min(40, Math.floor((percent / 100) * 40 + 1e-9));
    while (this.ticks < target) {
      this.ticks++;
      this.write(this.ticks % 4 === 0 ? String((this.ticks / 4) * 10) : '.');
      this.midLine = true;
      if (this.ticks === 40) {
        this.write(' - done.\n');
        this.midLine = false;
      }
    }
  }

  /** Print a log line without breaking the progress line for good. */
  log(line: string): void {
    // the message gets its own line; the progress so far is reprinted so the last line reads whole
    const wasMid = this.midLine;
    if (wasMid) this.write('\n');
    this.write(line + '\n');
    if (wasMid) {
      let s = '';
      for (let t = 0; t <= this.ticks; t++) s += t % 4 === 0 ? String((t / 4) * 10) : '.';
      this.write(s);
    }
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
