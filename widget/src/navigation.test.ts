import { assertEqual } from '../test-support/assert.ts';
import { describe, it } from '../test-support/mocha.ts';
import { checkRedirect } from './navigation.ts';

function verdict(url: string, page: string): string {
  try {
    return checkRedirect(url, page);
  } catch (error) {
    return error instanceof Error && 'code' in error ? String(error.code) : 'thrown';
  }
}

describe('checkRedirect', () => {
  it('passes absolute https: URLs, normalized', () => {
    const page = 'https://shop.example/cart';
    assertEqual(
      verdict('https://www.igv.com/items/1?authorizationCode=a', page),
      'https://www.igv.com/items/1?authorizationCode=a',
      'https',
    );
    assertEqual(verdict('HTTPS://WWW.IGV.COM/a b', page), 'https://www.igv.com/a%20b', 'normalized');
  });

  it('passes http: only while the page itself is on http://localhost or 127.0.0.1', () => {
    const url = 'http://localhost:8080/sandbox/igv?authorizationCode=a';
    assertEqual(verdict(url, 'http://localhost:3000/'), url, 'from http://localhost');
    assertEqual(verdict(url, 'http://127.0.0.1/'), url, 'from http://127.0.0.1');
    assertEqual(verdict(url, 'https://shop.example/'), 'UNSAFE_REDIRECT', 'from https://shop.example');
    assertEqual(verdict(url, 'http://shop.example/'), 'UNSAFE_REDIRECT', 'from http://shop.example');
    assertEqual(verdict(url, 'https://localhost/'), 'UNSAFE_REDIRECT', 'from https://localhost');
  });

  it('refuses other schemes and anything not absolute', () => {
    const page = 'http://localhost:8000/';
    const refused = [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'blob:http://localhost:8000/0b1e',
      'ftp://files.example/',
      '/items/1',
      '//evil.example/x',
      'items/1',
      '',
    ];
    for (const url of refused) assertEqual(verdict(url, page), 'UNSAFE_REDIRECT', url);
  });
});
