import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgsOrExit } from '../src/cli/arguments.js';
import { openEmbeddedStore } from '../src/store/embedded/index.js';
import { createDramaYoga } from '../src/yoga.js';
import { launchChromium } from '../tests/support/chromium.js';
import { seed } from '../tests/support/seeded.js';

parseArgsOrExit({ options: {} }, 'npm run widget:screenshot (no arguments: it rewrites docs/widget.png)');

const OUT = path.resolve(import.meta.dirname, '../docs/widget.png');

// The demo page (/widget) on a freshly seeded store, once every widget on it has settled.
const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-screenshot-'));
const store = await openEmbeddedStore({ dataDir });
const server = createServer(createDramaYoga({ store, graphiql: false }));
const browser = await launchChromium();
try {
  await seed(store);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage();
  await page.setViewport({ width: 760, height: 600, deviceScaleFactor: 1 });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/widget`);
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('drama-recommendations')].every((widget) =>
        ['ready', 'empty', 'error'].includes(widget.getAttribute('state') ?? ''),
      ),
    { timeout: 60_000 },
  );
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
} finally {
  await browser.close();
  server.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
