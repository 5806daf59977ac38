import { defineConfig, transformWithEsbuild, type Plugin } from 'vite';

const banner = '/*! Linkgate widget. Includes Lit, Copyright 2017 Google LLC, BSD-3-Clause. */';

/**
 * Vite leaves whitespace in ES library builds so that bundlers keep pure annotations; this file only
 * goes to the CDN, where bytes matter more. Also adds the licence banner that bundling dropped.
 */
function minifyForCdn(): Plugin {
  return {
    name: 'linkgate-minify-for-cdn',
    apply: 'build',
    renderChunk: {
      // After Vite's own esbuild pass, which would print the whitespace back.
      order: 'post',
      async handler(code, chunk) {
        const result = await transformWithEsbuild(code, chunk.fileName, {
          minifyWhitespace: true,
          minifySyntax: true,
          target: 'es2022',
          format: 'esm',
          legalComments: 'none',
        });
        return { code: `${banner}\n${result.code}`, map: null };
      },
    },
  };
}

// The CDN bundle: one ES module with Lit inside, no chunks, no source map (CONTRACT.md, "Embedding").
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  plugins: [minifyForCdn()],
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    minify: 'esbuild',
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    lib: {
      entry: 'widget/src/index.ts',
      formats: ['es'],
      fileName: () => 'linkgate.js',
    },
    rollupOptions: {
      output: { inlineDynamicImports: true },
    },
  },
});
