// SPDX-License-Identifier: GPL-2.0-or-later
// Typed failures. Every front end maps them the same way: a usage error is the caller's mistake in
// naming or typing parameters (CLI exit 2, HTTP 400), a data error is a problem found in the
// inputs' contents (exit 1, HTTP 422), a cancellation is the caller's own request, anything else
// is an internal failure (exit 1, HTTP 500).

export type ErrorKind = 'usage' | 'data' | 'cancelled' | 'internal';

export class SocpError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'SocpError';
  }
}

/** Wrong, missing or unknown parameters. */
export class UsageError extends SocpError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

/** The inputs can be read but their contents are unusable (bad values, missing fields…). */
export class DataError extends SocpError {
  constructor(message: string) {
    super('data', message);
    this.name = 'DataError';
  }
}

export class CancelledError extends SocpError {
  constructor(message = 'cancelled by the user') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

export function isSocpError(e: unknown): e is SocpError {
  return e instanceof SocpError;
}

/** Message of any thrown value. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
