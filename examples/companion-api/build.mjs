// Bundles the service and its upstream mock into dist/ for the Docker image (no npm install inside the build).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // CommonJS dependencies inside an ESM bundle need require/__dirname.
  banner: { js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));" },
  external: ['pg-native'], // pg's optional native binding
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/server.mjs' });
await build({ ...common, entryPoints: ['mocks/server.ts'], outfile: 'dist/upstream-mock.mjs' });
