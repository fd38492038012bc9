/** The dspex package version, written into saved programs' metadata (kept equal to package.json by a spec). */
export const VERSION = '0.1.0';
