/** `pgpass` (pg's own pgpass file reader) ships no types: this is the one function it exports. */
declare module 'pgpass' {
  /** Calls back with the password of the first pgpass line matching the connection's host, port, database and user, or undefined. */
  const pgpass: (connection: Record<string, unknown>, callback: (password: string | undefined) => void) => void;
  export default pgpass;
}
