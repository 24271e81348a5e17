#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx's loader, so users (and `pnpm podsec`)
// never need a separate build step; policy modules are loaded the same way.
import { register } from 'tsx/esm/api';
register();
await import('../src/bin.ts');
