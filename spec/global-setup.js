const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// Specs must never read or write the user's LM cache: point it at a throwaway folder.
module.exports = async () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'dspex-spec-cache-'));
  process.env.DSPEX_CACHE_DIR = directory;
  // Components log through pino; specs that assert on logs give their own logger.
  process.env.DSPEX_LOG_LEVEL ??= 'silent';
  globalThis.__DSPEX_SPEC_CACHE_DIR__ = directory;
};
