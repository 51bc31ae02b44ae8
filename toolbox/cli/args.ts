// SPDX-License-Identifier: GPL-2.0-or-later
// Options of a command line, one at a time, as `socp serve` and `socp worker` take them:
// `--name=value` or `--name value`.

export interface CliOption {
  /** the option's name (`--port`), or the whole argument when it is not `--name=value` */
  name: string;
  /** the argument as given (for messages) */
  given: string;
  /** its value: after "=", or the next argument (which is then consumed) */
  value(): string;
}

export function* cliOptions(args: string[], missing: (name: string) => Error): Generator<CliOption> {
  let i = 0;
  while (i < args.length) {
    const given = args[i++];
    const eq = given.indexOf('=');
    const inline = given.startsWith('--') && eq > 2;
    const name = inline ? given.slice(0, eq) : given;
    yield {
      name, given,
      value: () => {
        if (inline) return given.slice(eq + 1);
        if (i >= args.length) throw missing(name);
        return args[i++];
      },
    };
  }
}
