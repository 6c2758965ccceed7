#!/usr/bin/env node
// The Pulumi resource plugin (the engine runs `pulumi-resource-novaform`): novaform's kinds over gRPC.
import { register } from 'tsx/esm/api';

register();
await import('../pulumi/provider/main.ts');
