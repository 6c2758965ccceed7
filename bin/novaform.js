#!/usr/bin/env node
// The installed entry point: the compiled CLI in dist/ (plain JavaScript; no
// TypeScript compiler at run time). A checkout builds dist/ with `npm ci` or
// `npm run build`; without it, one line says so instead of a stack trace.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('novaform: not built: dist/cli/main.js is missing (run `npm run build` in the checkout)\n');
  process.exit(1);
}
await import(entry.href);
