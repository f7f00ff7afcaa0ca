import createDebug from 'debug';

/** Namespaced, quiet-by-default logs: enable with DEBUG=gauntlet:* (or gauntlet:env, gauntlet:target, ...). */
export function logger(namespace: 'env' | 'target' | 'run' | 'stage' | 'db' | 'k6' | 'cli' | 'process' | 'control' | 'reaper' | 'e2e') {
  return createDebug(`gauntlet:${namespace}`);
}
