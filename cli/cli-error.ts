/** An error a command reports to the user; `exitCode` is what the process exits with. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
