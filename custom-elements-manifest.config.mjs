// The Custom Elements Manifest (dist/custom-elements.json), written by @custom-elements-manifest/analyzer
// from the elements' JSDoc (@attr, @slot, @csspart, @cssprop, @fires) at `npm run build`.

/** `defineElement('linkgate-…', Class)` is how each element module defines itself (elements/base.ts). */
function definedElements() {
  return {
    name: 'linkgate-define-element',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || node.expression.getText() !== 'defineElement') return;
      const [tag, element] = node.arguments;
      if (!tag || !element || !ts.isStringLiteral(tag) || !ts.isIdentifier(element)) return;
      const declaration = moduleDoc.declarations?.find((entry) => entry.name === element.text);
      if (!declaration) return;
      declaration.tagName = tag.text;
      declaration.customElement = true;
      moduleDoc.exports = [
        ...(moduleDoc.exports ?? []),
        {
          kind: 'custom-element-definition',
          name: tag.text,
          declaration: { name: element.text, module: moduleDoc.path },
        },
      ];
    },
  };
}

/** Paths as the package ships them (dist/elements/*.js); the helper's own define call is no element. */
function packagePaths() {
  const shipped = (path) => path.replace(/^\/?widget\/src\//, 'dist/elements/').replace(/\.ts$/, '.js');
  const rewrite = (value) => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        (key === 'path' || key === 'module') && typeof inner === 'string' ? shipped(inner) : rewrite(inner),
      ]),
    );
  };
  return {
    name: 'linkgate-package-paths',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        module.exports = module.exports?.filter(
          (entry) => entry.kind !== 'custom-element-definition' || entry.name.startsWith('linkgate-'),
        );
        // Only the events the elements document (@fires): the analyzer also guesses one from each
        // `new …Event(x)`, named after its argument.
        for (const declaration of module.declarations ?? [])
          if (declaration.events)
            declaration.events = declaration.events.filter((event) => event.name?.startsWith('linkgate-'));
      }
      customElementsManifest.modules = rewrite(customElementsManifest.modules);
    },
  };
}

export default {
  globs: ['widget/src/**/*.ts'],
  exclude: ['widget/src/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [definedElements(), packagePaths()],
};
