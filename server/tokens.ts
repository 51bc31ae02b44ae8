// SPDX-License-Identifier: GPL-2.0-or-later
// The bearer tokens of the HTTP bridge. With one token its holder sees every job; with several
// (one per user or client) each job belongs to the token that submitted it and the others cannot
// see, read or dismiss it. A job record keeps only a one-way hash of its owner's token (scrypt, so
// that a short token cannot be found back from a record by trying candidates quickly). Everything
// the bridge answers or logs goes through redact(): a credential is never echoed.

import crypto from 'node:crypto';

/** A token is printable ASCII without spaces (it travels in an HTTP header) or commas (SOCP_TOKEN lists tokens with commas). */
const TOKEN = /^[\x21-\x2b\x2d-\x7e]+$/;

/** Tokens shorter than this are easy to guess (socp serve warns about them). */
export const WEAK_TOKEN = 16;

/** Why a token is unusable, or undefined when it is fine. */
export function tokenProblem(t: string): string | undefined {
  if (t === '') return 'is empty';
  if (!TOKEN.test(t)) return 'holds a space, a comma or a character outside printable ASCII; a token is e.g. 32 random letters and digits (openssl rand -hex 16)';
  return undefined;
}

export class Tokens {
  /** SHA-256 of each token: equal-length inputs for the constant-time comparison */
  private readonly digests: Buffer[];
  /** owner hash of each token, as stored in job records */
  private readonly owners: string[];
  private readonly secrets: string[];

  constructor(tokens: string[]) {
    const list = [...new Set(tokens)];
    if (list.length === 0) throw new Error('at least one token is needed');
    for (const t of list) {
      const why = tokenProblem(t);
      if (why) throw new Error(`a token ${why}`);
    }
    this.digests = list.map((t) => crypto.createHash('sha256').update(t).digest());
    // a fixed salt: the same token must give the same owner after a restart
    this.owners = list.map((t) => crypto.scryptSync(t, 'socp-serve job owner v1', 24).toString('base64url'));
    // the forms a token may take in a text: as sent, and percent-encoded as in a URL
    this.secrets = list.flatMap((t) => [t, encodeURIComponent(t)])
      .filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => b.length - a.length);
  }

  /** More than one token: jobs are private to the token that submitted them. */
  get several(): boolean {
    return this.owners.length > 1;
  }

  get count(): number {
    return this.owners.length;
  }

  /** The owner hash of the token given, or undefined when it is none of them (every one compared, in constant time). */
  ownerOf(given: string): string | undefined {
    const d = crypto.createHash('sha256').update(given).digest();
    let found: string | undefined;
    for (let i = 0; i < this.digests.length; i++) if (crypto.timingSafeEqual(d, this.digests[i]) && found === undefined) found = this.owners[i];
    return found;
  }

  /**
   * May the caller (owner hash) see this job? One token: every job, as before ownership existed
   * (also those of tokens no longer configured). Several: only its own; a record without an owner
   * (written before ownership existed) belongs to no one of them.
   */
  visible(job: { owner?: string }, caller: string | undefined): boolean {
    return !this.several || (job.owner !== undefined && job.owner === caller);
  }

  /** The text with every token blanked out. */
  redact(s: string): string {
    let out = s;
    for (const t of this.secrets) if (out.includes(t)) out = out.split(t).join('[token]');
    return out;
  }

  /** A JSON value with every token blanked out of its strings (keys included). */
  redactValue<T>(v: T): T {
    if (typeof v === 'string') return this.redact(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.redactValue(x)) as T;
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.redact(k), this.redactValue(x)])) as T;
    return v;
  }

  /** A path of a request as sent (percent-encoded), blanked out whether the client encoded the token or not. */
  redactPath(raw: string): string {
    let dec: string;
    try {
      dec = decodeURIComponent(raw);
    } catch {
      return this.redact(raw);
    }
    const r = this.redact(dec);
    // re-encoded so that a decoded newline cannot forge a line of the access log
    return r === dec ? this.redact(raw) : encodeURI(r).split('%5Btoken%5D').join('[token]');
  }
}
