// Loaded with `node --import` into a measured novaform process: on exit it
// writes the process's own rusage (CPU microseconds, peak RSS in KiB) to
// NOVAFORM_BENCH_USAGE_FILE, so the bench reads the child's figures, not its own.
import { writeFileSync } from 'node:fs';

const file = process.env.NOVAFORM_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userCPUTime: usage.userCPUTime, systemCPUTime: usage.systemCPUTime, maxRSS: usage.maxRSS }));
  });
}
