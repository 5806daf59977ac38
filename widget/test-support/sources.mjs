import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Serves /__widget-sources: every non-test source file under widget/src as {path: text}, so that a
 * browser test can check what the widget's own code says (provider-neutral.test.ts).
 */
export function widgetSourcesMiddleware(rootDir) {
  const sourceDir = join(rootDir, 'widget/src');
  return async function widgetSources(ctx, next) {
    if (ctx.path !== '/__widget-sources') return next();
    const files = await readdir(sourceDir, { recursive: true });
    const sources = {};
    for (const file of files.filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).sort()) {
      const path = join(sourceDir, file);
      sources[relative(rootDir, path)] = await readFile(path, 'utf8');
    }
    ctx.body = sources;
    return undefined;
  };
}
