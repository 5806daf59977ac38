import { build } from 'esbuild';

/**
 * Serves /second-lit.js: Lit bundled into one module, so a page that also imports 'lit' the usual way
 * holds two copies (two lit-html Trusted Types policies), as a merchant page with its own Lit does.
 */
export function secondLitMiddleware(rootDir) {
  let bundle;
  return async function secondLit(ctx, next) {
    if (ctx.path !== '/second-lit.js') return next();
    bundle ??= build({
      stdin: { contents: "export * from 'lit';", resolveDir: rootDir, loader: 'js' },
      bundle: true,
      format: 'esm',
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);
    ctx.type = 'text/javascript';
    ctx.body = await bundle;
    return undefined;
  };
}
