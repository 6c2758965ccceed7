#!/usr/bin/env node
// The Pulumi resource plugin (the engine runs `pulumi-resource-novaform`): novaform's
// kinds over gRPC, from the compiled code in dist/ (no TypeScript compiler at run
// time). A checkout builds dist/ with `npm ci` or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/pulumi/provider/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('pulumi-resource-novaform: not built: dist/pulumi/provider/main.js is missing (run `npm run build` in the checkout)\n');
  process.exit(1);
}
await import(entry.href);
