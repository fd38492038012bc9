const { rmSync } = require('node:fs');

module.exports = async () => {
  if (globalThis.__DSPEX_SPEC_CACHE_DIR__) rmSync(globalThis.__DSPEX_SPEC_CACHE_DIR__, { recursive: true, force: true });
};
