#!/usr/bin/env node
// The gauntlet bin. tsx is registered so that the user's TypeScript (gauntlet.config.ts, upstream
// handlers) loads as it is. The engine itself is the compiled dist/ in an installed package (which
// ships no src/), and the sources in a checkout of Gauntlet (so a checkout never runs a stale build).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const source = new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : new URL('../dist/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
