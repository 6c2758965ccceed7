#!/usr/bin/env node
// The installed entry point: novaform runs its TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
