// The lab page: index.html + src/app (Lit) + workers/ (module workers, comlink).
// Node-only engine code (src/engine/gpu-node.ts, the `webgpu` package, node:* builtins) must stay out of
// the browser bundle: gpu.ts reaches gpu-node.ts through a non-literal dynamic import, and the
// plugin below fails the build loudly if anything imports the native `webgpu` package from browser code.
import { defineConfig, type Plugin } from 'vite';

/** Node-only packages that can never run in a page or worker. */
const NODE_ONLY_PACKAGES = ['webgpu'];

function keepNodeOnlyModulesOut(): Plugin {
  return {
    name: 'sai-dpo:keep-node-only-modules-out',
    apply: 'build',
    resolveId(source, importer) {
      if (NODE_ONLY_PACKAGES.includes(source)) {
        this.error(`${importer ?? 'an entry'} imports the Node-only package "${source}"; browser code must reach it only through a non-literal dynamic import (see src/engine/gpu.ts).`);
      }
      return null;
    },
  };
}

export default defineConfig({
  plugins: [keepNodeOnlyModulesOut()],
  // No single-page fallback: a request for a file that does not exist (a wrong model URL) must get a 404,
  // not index.html with status 200.
  appType: 'mpa',
  // Module workers, so a worker can import the engine (and its ?raw shaders) like any other module.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // the tiny model's weights live in public/models and are fetched at run time, never inlined
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
