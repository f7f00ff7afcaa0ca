import path from 'node:path';
import { build } from 'esbuild';
import { stringify } from 'yaml';

/** The script and its local imports as one ES module (k6 modules stay imports), for a ConfigMap. */
export async function bundleScript(script: string): Promise<string> {
  const result = await build({ entryPoints: [script], bundle: true, format: 'esm', platform: 'neutral', external: ['k6', 'k6/*'], write: false, logLevel: 'silent' });
  return result.outputFiles[0]?.text ?? '';
}

/**
 * A k6-operator TestRun (k6.io/v1alpha1) for the same script, bundled into one file in a ConfigMap:
 * `kubectl apply -f` it in a cluster that runs the operator, and N runners split the load.
 */
export async function k6OperatorManifest(options: { script: string; name: string; parallelism: number; env: Record<string, string>; files?: Record<string, string> }): Promise<string> {
  const file = path.basename(options.script).replace(/\.ts$/, '.js');
  const name = options.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 52) || 'gauntlet-load';
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-script` },
    // k6-operator mounts the whole ConfigMap at /test: extra files (the users' data) sit beside the script.
    data: { [file]: await bundleScript(options.script), ...options.files },
  };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name },
    spec: {
      parallelism: options.parallelism,
      script: { configMap: { name: `${name}-script`, file } },
      arguments: Object.entries(options.env)
        .map(([k, v]) => `-e ${k}=${v}`)
        .join(' '),
      runner: { env: Object.entries(options.env).map(([k, v]) => ({ name: k, value: v })) },
    },
  };
  return `${stringify(configMap)}---\n${stringify(testRun)}`;
}
