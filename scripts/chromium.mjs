// Finds the Chromium the browser and end-to-end tests drive: CHROME_PATH, else Debian's. Where
// none is found it installs Debian's package when it can (root with apt), else explains and fails.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const DEBIAN_PATH = '/usr/bin/chromium';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium({ install = true } = {}) {
  const wanted = process.env.CHROME_PATH;
  if (wanted) {
    if (executable(wanted)) return wanted;
    throw new Error(`CHROME_PATH is set to ${wanted}, which is not an executable file`);
  }
  if (executable(DEBIAN_PATH)) return DEBIAN_PATH;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (install && root && executable('/usr/bin/apt-get')) {
    process.stdout.write('Chromium not found: installing Debian\'s "chromium" package with apt-get\n');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (executable(DEBIAN_PATH)) return DEBIAN_PATH;
  }
  throw new Error(
    'no Chromium found: install Debian\'s "chromium" package (apt-get install chromium) or set CHROME_PATH',
  );
}

/** The flags every launch uses: headless, and nothing that reaches for the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
