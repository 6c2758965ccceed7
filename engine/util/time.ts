/** ISO 8601 with seconds precision and a Z, as Nova renders `created`/`updated`. */
export function isoSeconds(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Naive timestamp with microseconds and no zone, as Nova renders OS-SRV-USG and Cinder renders created_at. */
export function naiveMicros(date: Date = new Date()): string {
  return date.toISOString().replace(/Z$/, '000');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
