// Loaded with `node --import` into a novaform process when looking for what holds its memory (issue 15):
// with NOVAFORM_BENCH_MEMORY_FILE set, it appends a JSON line every NOVAFORM_BENCH_MEMORY_MS (default 1000)
// with the RSS, the heap, the old space and the peak RSS so far (MiB); NOVAFORM_BENCH_SNAPSHOT_AT (seconds,
// comma-separated) also writes heap snapshots (a full GC first: live objects only) next to the file.
// A fall of `old` between two lines is a full GC: the figure after it is the live size, the one before it
// how much garbage V8 let build up. Not part of `npm run bench` (a snapshot itself raises the RSS).
import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';

const file = process.env.NOVAFORM_BENCH_MEMORY_FILE;
if (file) {
  const started = Date.now();
  const snapshotsAt = (process.env.NOVAFORM_BENCH_SNAPSHOT_AT ?? '').split(',').filter(Boolean).map(Number);
  const mib = (bytes) => Math.round(bytes / 1048576);
  const sample = () => {
    const at = (Date.now() - started) / 1000;
    const memory = process.memoryUsage();
    const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;
    appendFileSync(file, `${JSON.stringify({ at, rss: mib(memory.rss), heapTotal: mib(memory.heapTotal), heapUsed: mib(memory.heapUsed), old: mib(old), external: mib(memory.external), peakRss: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
    while (snapshotsAt.length > 0 && at >= snapshotsAt[0]) {
      snapshotsAt.shift();
      appendFileSync(file, `${JSON.stringify({ snapshot: v8.writeHeapSnapshot(`${file}.${Math.round(at)}s.heapsnapshot`) })}\n`);
    }
  };
  setInterval(sample, Number(process.env.NOVAFORM_BENCH_MEMORY_MS ?? 1000)).unref();
  process.on('exit', sample);
}
