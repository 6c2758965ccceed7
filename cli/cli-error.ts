/** An error a command reports to the user; `exitCode` is what the process exits with; `cause` is what `--debug` traces. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}
