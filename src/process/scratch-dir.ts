import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';

let resolved: string | undefined;

/**
 * Where throwaway clusters and caches go: GAUNTLET_TMPDIR when set, else /dev/shm when it is a
 * writable directory (RAM on Linux: a cluster copy and a CREATE DATABASE stay fast even where the
 * disk is throttled), else the OS temp dir.
 */
export function scratchDir(): string {
  if (process.env.GAUNTLET_TMPDIR) return process.env.GAUNTLET_TMPDIR;
  if (resolved) return resolved;
  resolved = os.tmpdir();
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      resolved = '/dev/shm';
    }
  } catch {
    // no /dev/shm (macOS, Windows): the OS temp dir
  }
  return resolved;
}
