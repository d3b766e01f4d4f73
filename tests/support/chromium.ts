import { accessSync, constants } from 'node:fs';
import { type Browser, launch } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Debian's chromium (CHROMIUM_PATH to use another); missing, it fails loudly: never a silent skip. */
export function chromiumPath(): string {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CANDIDATES;
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(
    `No Chromium at ${candidates.join(' or ')}: the widget's browser tests need it. ` +
      'Install it with `apt-get install -y chromium` (as .ci/run does), or set CHROMIUM_PATH.',
  );
}

export function launchChromium(): Promise<Browser> {
  return launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root (CI) cannot use Chromium's sandbox; the pages loaded are the test's own.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
