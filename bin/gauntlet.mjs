#!/usr/bin/env node
// The gauntlet bin: registers tsx so the engine (and the user's gauntlet.config.ts) load as TypeScript.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
