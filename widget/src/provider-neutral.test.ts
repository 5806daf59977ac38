import { assert, assertEqual } from '../test-support/assert.ts';
import { describe, it } from '../test-support/mocha.ts';

/** The providers' ids (CONTRACT.md): the BFF resolves them; the widget's own code names none of them. */
const providerIds = ['igv', 'easypay', 'pingpong', 'fintech33', 'vodapay'];

describe('the widget is provider-neutral', () => {
  it('names no provider id in its source, comments included (test files aside)', async () => {
    const sources = (await (await fetch('/__widget-sources')).json()) as Record<string, string>;
    const paths = Object.keys(sources);
    assert(paths.includes('widget/src/client.ts'), `the sources were listed: ${paths.join(', ')}`);
    assert(!paths.some((path) => path.endsWith('.test.ts')), 'test files are left out');
    const found = Object.entries(sources).flatMap(([path, text]) =>
      providerIds.filter((id) => text.toLowerCase().includes(id)).map((id) => `${path}: ${id}`),
    );
    assertEqual(found, [], 'provider ids in the widget source');
  });
});
