// SPDX-License-Identifier: GPL-2.0-or-later
// Outputs are written under temporary names in their final folder and renamed only when the whole
// run succeeded, so a failed or cancelled run leaves nothing behind. Sidecar files that drivers
// create next to the staged name (.shx, .dbf, .aux.xml…) are renamed with it.

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

interface Staged {
  final: string;
  temp: string;
  isDir: boolean;
}

export class OutputTransaction {
  private staged: Staged[] = [];
  private readonly tag = crypto.randomBytes(4).toString('hex');

  /** A temporary path in the final file's folder with the same extension. */
  stage(finalPath: string): string {
    const existing = this.staged.find((s) => s.final === finalPath);
    if (existing) return existing.temp;
    const dir = path.dirname(finalPath);
    const ext = path.extname(finalPath);
    const base = path.basename(finalPath, ext);
    const temp = path.join(dir, `.${base}.socp-${this.tag}${ext}`);
    this.staged.push({ final: finalPath, temp, isDir: false });
    return temp;
  }

  /** A temporary folder that becomes finalDir on commit (replacing an existing one). */
  stageDir(finalDir: string): string {
    const temp = path.join(path.dirname(finalDir), `.${path.basename(finalDir)}.socp-${this.tag}`);
    fs.mkdirSync(temp, { recursive: true });
    this.staged.push({ final: finalDir, temp, isDir: true });
    return temp;
  }

  /** The staged path of a final path, if it was staged. */
  lookup(finalPath: string): string | undefined {
    return this.staged.find((st) => st.final === finalPath)?.temp;
  }

  get finals(): string[] {
    return this.staged.map((s) => s.final);
  }

  private companions(s: Staged): [string, string][] {
    const dir = path.dirname(s.temp);
    const tExt = path.extname(s.temp);
    const tBase = path.basename(s.temp, tExt);
    const fExt = path.extname(s.final);
    const fBase = path.basename(s.final, fExt);
    const out: [string, string][] = [];
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(tBase + '.') || name === tBase) {
        out.push([path.join(dir, name), path.join(dir, fBase + name.slice(tBase.length))]);
      }
    }
    void tExt;
    return out;
  }

  commit(): void {
    for (const s of this.staged) {
      if (s.isDir) {
        if (fs.existsSync(s.final)) fs.rmSync(s.final, { recursive: true, force: true });
        fs.renameSync(s.temp, s.final);
        continue;
      }
      if (!fs.existsSync(s.temp)) continue; // optional output never written
      for (const [from, to] of this.companions(s)) fs.renameSync(from, to);
    }
    this.staged = [];
  }

  rollback(): void {
    for (const s of this.staged) {
      try {
        if (s.isDir) fs.rmSync(s.temp, { recursive: true, force: true });
        else for (const [from] of this.companions(s)) fs.rmSync(from, { force: true, recursive: true });
      } catch {
        /* best effort */
      }
    }
    this.staged = [];
  }
}
