import { readFileSync } from 'node:fs';
import { minify } from 'terser';
import { defineConfig, type Plugin } from 'vite';

const { version, license } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
  license: string;
};
const banner = `/*! Linkgate ${version}, ${license}. Includes Lit, Copyright 2017 Google LLC, BSD-3-Clause. */`;

/**
 * Vite's esbuild pass renames identifiers and folds syntax but leaves whitespace in ES library builds
 * (so that bundlers keep pure annotations); this file only goes to the CDN, where bytes matter more.
 * terser then compresses and mangles that output once more and drops the whitespace and comments:
 * about 160 B less gzipped than esbuild alone. terser's safe defaults only (no `unsafe*` option).
 * Also adds the licence banner that bundling dropped.
 */
function minifyForCdn(): Plugin {
  return {
    name: 'linkgate-minify-for-cdn',
    apply: 'build',
    renderChunk: {
      // After Vite's own esbuild pass.
      order: 'post',
      async handler(code) {
        const result = await minify(code, {
          module: true,
          ecma: 2020,
          compress: { passes: 2 },
          format: { comments: false },
        });
        if (result.code === undefined) throw new Error('terser returned no code');
        return { code: `${banner}\n${result.code}`, map: null };
      },
    },
  };
}

/**
 * esbuild leaves the text of css`` templates as written. This collapses it before bundling: comments
 * and whitespace go, but a space between selectors (a descendant combinator) stays; quotes around an
 * attribute value that is a plain identifier go, and so does the zero before a decimal point. Templates
 * with `${}` are left alone, and the styles hold no quoted strings whose spaces would matter.
 */
function minifyCssTemplates(): Plugin {
  const template = /\bcss`([^`$\\]*)`/g;
  const minify = (text: string): string =>
    text
      .replace(/\/\*.*?\*\//gs, '')
      .replace(/\s+/g, ' ')
      .replace(/ ?([{};,]) ?/g, '$1')
      .replace(/: /g, ':')
      .replace(/;}/g, '}')
      .replace(/='([\w-]+)'\]/g, '=$1]')
      .replace(/([ :(,])0\.(\d)/g, '$1.$2')
      .trim();
  return {
    name: 'linkgate-minify-css-templates',
    apply: 'build',
    transform(code, id) {
      if (!id.includes('/widget/src/')) return null;
      const minified = code.replace(template, (_match, text: string) => `css\`${minify(text)}\``);
      return minified === code ? null : { code: minified, map: null };
    },
  };
}

// The CDN bundle: one ES module with Lit inside, no chunks, no source map (CONTRACT.md, "Embedding").
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  plugins: [minifyCssTemplates(), minifyForCdn()],
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
