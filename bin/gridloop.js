#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader, so `npx gridloop` works from a checkout with no build
// step, and signals reach the real process.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
