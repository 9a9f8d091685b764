#!/usr/bin/env node
// The `eaio` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../apps/producer/src/cli.ts');
