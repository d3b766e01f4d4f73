import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationId } from '../../src/config/persisted-operations.js';
import { loadExamples } from '../../src/examples.js';
import { chromiumPath, launchChromium } from '../support/chromium.js';
import { postQuery, type RunningServer, startServerProcess, stopServerProcess } from '../support/server-process.js';

const WIDGET_OPERATION = loadExamples().find((example) => example.name === 'widget-recommendations')!.document;
const WAIT = { timeout: 60_000 };

/** A second (and third) origin: serves whatever pages a test puts in it, and optionally a fake GraphQL answer. */
interface Origin {
  origin: string;
  put(html: string): string;
  /** Answered by /graphql on this origin (with CORS for all), now or, while `hold` is set, once it is cleared. */
  fakeGraphql?: unknown;
  hold: boolean;
  close(): Promise<void>;
}

async function originServer(): Promise<Origin> {
  const pages = new Map<string, string>();
  const state: { fakeGraphql?: unknown; hold: boolean } = { hold: false };
  const held: ServerResponse[] = [];
  const answer = (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    response.end(JSON.stringify(state.fakeGraphql));
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/graphql' && state.fakeGraphql !== undefined) {
      if (state.hold) return held.push(response);
      return answer(response);
    }
    const page = pages.get(url.pathname);
    response.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    put(html) {
      const at = `/page-${pages.size}`;
      pages.set(at, html);
      return `${origin}${at}`;
    },
    set fakeGraphql(value: unknown) {
      state.fakeGraphql = value;
    },
    get hold() {
      return state.hold;
    },
    set hold(value: boolean) {
      state.hold = value;
      if (!value) held.splice(0).forEach(answer);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Rendered {
  state: string | null;
  heading: string;
  progress: string;
  titles: string[];
  reasons: string[][];
  status: string | null;
  alert: string | null;
  images: number;
  scripts: number;
}

/** What the widget shows, read from its shadow root. */
const rendered = (page: Page): Promise<Rendered> =>
  page.evaluate(() => {
    const host = document.querySelector('drama-recommendations')!;
    const root = host.shadowRoot!;
    const text = (selector: string) => root.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
    return {
      state: host.getAttribute('state'),
      heading: text('h2') ?? '',
      progress: text('[part~="progress"]') ?? '',
      titles: [...root.querySelectorAll('article h3')].map((h3) => h3.textContent ?? ''),
      reasons: [...root.querySelectorAll('article')].map((article) =>
        [...article.querySelectorAll('li')].map((li) => li.textContent ?? ''),
      ),
      status: text('[role="status"]'),
      alert: text('[role="alert"]'),
      images: root.querySelectorAll('img').length,
      scripts: root.querySelectorAll('script').length,
    };
  });

const settled = (page: Page, states = ['ready', 'empty', 'error']) =>
  page.waitForFunction(
    (wanted: string[]) => wanted.includes(document.querySelector('drama-recommendations')?.getAttribute('state') ?? ''),
    WAIT,
    states,
  );

// A missing Chromium fails here (and every test below), in CI and out of it: these tests never skip.
it('finds Chromium to run the widget in', () => {
  expect(chromiumPath()).toMatch(/chrom/);
});

describe('<drama-recommendations> in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let service: RunningServer;
  let serviceOrigin: string;
  let allowed: Origin;
  let refused: Origin;
  let dataDir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    [allowed, refused] = await Promise.all([originServer(), originServer()]);
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-widget-'));
    service = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '', CORS_ORIGINS: allowed.origin });
    serviceOrigin = `http://127.0.0.1:${new URL(service.url).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    if (service) await stopServerProcess(service);
    await Promise.all([allowed?.close(), refused?.close()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const embed = (body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>a fan wiki</title><link rel="icon" href="data:,">` +
    `<script type="module" src="${serviceOrigin}/widget.js"></script></head><body>${body}</body></html>`;

  /** A new page that records console errors, uncaught exceptions and the widget's GraphQL requests. */
  async function open(origin: Origin, body: string) {
    const page = await browser.newPage();
    const errors: string[] = [];
    const graphql: { url: string; method: string }[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql')
        graphql.push({ url: request.url(), method: request.method() });
    });
    await page.goto(origin.put(embed(body)));
    return { page, errors, graphql };
  }

  const expected = async (series: string, watchedThrough: number) =>
    (await postQuery(service.url, WIDGET_OPERATION, { series, watchedThrough })).data.series;

  it('renders the seeded recommendations with their reasons, on an allowlisted origin, by a cacheable persisted GET', async () => {
    const want = await expected('soundtrack-1', 3);
    expect(want.recommendations.length).toBeGreaterThan(0);
    const { page, errors, graphql } = await open(
      allowed,
      '<drama-recommendations series="soundtrack-1" watched-through="3"></drama-recommendations>',
    );
    const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/graphql', WAIT);
    await settled(page);
    const shown = await rendered(page);
    expect(shown.state).toBe('ready');
    expect(shown.heading).toBe(`If you like ${want.title}`);
    expect(shown.titles).toEqual(want.recommendations.map((item: any) => item.series.title));
    expect(shown.reasons).toEqual(want.recommendations.map((item: any) => item.reasons.map((r: any) => r.text)));
    expect(graphql).toHaveLength(1);
    const sent = new URL(graphql[0]!.url);
    expect(graphql[0]!.method).toBe('GET');
    expect(sent.origin).toBe(serviceOrigin);
    expect(sent.searchParams.has('query')).toBe(false);
    expect(JSON.parse(sent.searchParams.get('extensions')!).persistedQuery.sha256Hash).toBe(
      operationId(WIDGET_OPERATION),
    );
    const response = await answer;
    expect(response.headers()['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(response.headers()['access-control-allow-origin']).toBe(allowed.origin);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the demo page at /widget under its CSP without a console error', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${serviceOrigin}/widget`);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('drama-recommendations')].every((widget) =>
          ['ready', 'empty', 'error'].includes(widget.getAttribute('state') ?? ''),
        ),
      WAIT,
    );
    const states = await page.$$eval('drama-recommendations', (widgets) => widgets.map((w) => w.getAttribute('state')));
    expect(states).toEqual(['ready', 'ready', 'empty']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('respects spoiler progress: watched through 3 and 4 show different things, and changing the attribute re-renders', async () => {
    const [at3, at4] = await Promise.all([expected('soundtrack-1', 3), expected('soundtrack-1', 4)]);
    const names = (series: any) => series.tropes.map((trope: any) => trope.name as string);
    expect(names(at3)).not.toEqual(names(at4));
    const { page, errors } = await open(
      allowed,
      '<drama-recommendations series="soundtrack-1" watched-through="3"></drama-recommendations>',
    );
    await settled(page);
    const before = await rendered(page);
    expect(before.progress).toContain('episode 3');
    // With no trope seen yet (at episode 3 of the seeds), the line is left out rather than left empty.
    if (names(at3).length === 0) expect(before.progress).not.toContain('Tropes so far');
    else expect(before.progress).toContain(`Tropes so far: ${names(at3).join(', ')}.`);
    for (const hidden of names(at4).filter((name: string) => !names(at3).includes(name))) {
      expect(before.progress).not.toContain(hidden);
    }
    await page.evaluate(() => document.querySelector('drama-recommendations')!.setAttribute('watched-through', '4'));
    await page.waitForFunction(
      () =>
        document
          .querySelector('drama-recommendations')
          ?.shadowRoot?.querySelector('[part~="progress"]')
          ?.textContent?.includes('episode 4'),
      WAIT,
    );
    const after = await rendered(page);
    expect(after.progress).toContain(`Tropes so far: ${names(at4).join(', ')}.`);
    expect(after.progress).not.toBe(before.progress);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is keyboard-accessible: a labelled feed of focusable articles, reached with Tab', async () => {
    const { page, errors } = await open(
      allowed,
      '<drama-recommendations series="soundtrack-1" watched-through="3"></drama-recommendations>',
    );
    await settled(page, ['ready']);
    await page.keyboard.press('Tab');
    const aria = await page.evaluate(() => {
      const root = document.querySelector('drama-recommendations')!.shadowRoot!;
      const byId = (id: string | null) => (id ? (root.getElementById(id)?.textContent?.trim() ?? null) : null);
      const feed = root.querySelector('[role="feed"]');
      const articles = [...root.querySelectorAll('article')];
      const focused = root.activeElement;
      return {
        section: byId(root.querySelector('section')?.getAttribute('aria-labelledby') ?? null),
        sectionBusy: root.querySelector('section')?.getAttribute('aria-busy'),
        feedLabel: byId(feed?.getAttribute('aria-labelledby') ?? null),
        feedBusy: feed?.getAttribute('aria-busy'),
        feedChildren: [...(feed?.children ?? [])].map((child) => child.tagName),
        articles: articles.map((article) => ({
          tabindex: article.getAttribute('tabindex'),
          posinset: article.getAttribute('aria-posinset'),
          setsize: article.getAttribute('aria-setsize'),
          label: byId(article.getAttribute('aria-labelledby')),
          described: byId(article.getAttribute('aria-describedby')),
        })),
        focused: focused === articles[0],
      };
    });
    expect(aria.section).toMatch(/^If you like /);
    expect(aria.sectionBusy).toBe('false');
    expect(aria.feedLabel).toBe(aria.section);
    expect(aria.feedBusy).toBe('false');
    expect(aria.articles.length).toBeGreaterThan(0);
    expect(aria.feedChildren.every((tag) => tag === 'ARTICLE')).toBe(true);
    aria.articles.forEach((article, index) => {
      expect(article).toMatchObject({
        tabindex: '0',
        posinset: String(index + 1),
        setsize: String(aria.articles.length),
      });
      expect(article.label).toBeTruthy();
      expect(article.described).toBeTruthy();
    });
    expect(aria.focused).toBe(true);
    await page.keyboard.press('End');
    expect(
      await page.evaluate(() => document.querySelector('drama-recommendations')!.shadowRoot!.activeElement?.tagName),
    ).toBe('ARTICLE');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the empty state for a series the graph does not know', async () => {
    const { page, errors } = await open(
      allowed,
      '<drama-recommendations series="no-such-series"></drama-recommendations>',
    );
    await settled(page);
    const shown = await rendered(page);
    expect(shown.state).toBe('empty');
    expect(shown.status).toContain('"no-such-series"');
    expect(shown.titles).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is refused from an origin that is not on the allowlist, and says so in its error state', async () => {
    const { page, graphql } = await open(
      refused,
      '<drama-recommendations series="soundtrack-1" watched-through="3"></drama-recommendations>',
    );
    await settled(page);
    const shown = await rendered(page);
    expect(shown.state).toBe('error');
    expect(shown.alert).toContain('could not be loaded');
    expect(shown.titles).toEqual([]);
    expect(graphql.length).toBeGreaterThan(0);
    await page.close();
  });

  it('shows the error state when the service is down, with a retry button reachable by keyboard', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/graphql`;
    const { page, errors, graphql } = await open(
      allowed,
      `<drama-recommendations series="soundtrack-1" endpoint="${down}"></drama-recommendations>`,
    );
    await settled(page);
    expect((await rendered(page)).state).toBe('error');
    expect((await rendered(page)).alert).toContain('did not answer');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () => document.querySelector('drama-recommendations')!.shadowRoot!.activeElement?.textContent,
      ),
    ).toBe('Try again');
    const attempts = graphql.length;
    await page.keyboard.press('Enter');
    await expect.poll(() => graphql.length, { timeout: 60_000 }).toBeGreaterThan(attempts);
    await settled(page, ['error']);
    expect(errors.every((error) => error.includes('ERR_CONNECTION_REFUSED'))).toBe(true);
    await page.close();
  });

  it('shows the loading state, busy, until the answer comes', async () => {
    refused.fakeGraphql = await postQuery(service.url, WIDGET_OPERATION, { series: 'soundtrack-1', watchedThrough: 3 });
    refused.hold = true;
    const { page, errors } = await open(
      allowed,
      `<drama-recommendations series="soundtrack-1" watched-through="3" endpoint="${refused.origin}/graphql"></drama-recommendations>`,
    );
    await settled(page, ['loading']);
    const loading = await rendered(page);
    expect(loading.status).toBe('Loading recommendations…');
    expect(loading.titles).toEqual([]);
    expect(
      await page.evaluate(() =>
        document
          .querySelector('drama-recommendations')!
          .shadowRoot!.querySelector('section')!
          .getAttribute('aria-busy'),
      ),
    ).toBe('true');
    refused.hold = false;
    await settled(page, ['ready']);
    expect((await rendered(page)).titles.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('never turns text from the service into HTML', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const script = '<script>window.__pwned=2</script>';
    const unicode = '드라마 🎬 e\u0301 \u202eevil';
    refused.fakeGraphql = {
      data: {
        series: {
          title: hostile,
          tropes: [{ kind: 'LOVE_TRIANGLE', name: script }],
          recommendations: [
            {
              series: {
                slug: '__proto__',
                title: unicode,
                originalTitle: '__proto__',
                country: hostile,
                releaseYear: 2020,
              },
              reasons: [{ kind: 'SHARED_GENRE', text: script }],
            },
          ],
        },
      },
    };
    const { page, errors } = await open(
      allowed,
      `<drama-recommendations series="soundtrack-1" endpoint="${refused.origin}/graphql"></drama-recommendations>`,
    );
    await settled(page);
    const shown = await rendered(page);
    expect(shown.state).toBe('ready');
    expect(shown.heading).toBe(`If you like ${hostile}`);
    expect(shown.titles).toEqual([unicode]);
    expect(shown.reasons).toEqual([[script]]);
    expect(shown.progress).toContain(script);
    expect(shown.images).toBe(0);
    expect(shown.scripts).toBe(0);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    for (const [index, malformed] of [
      { data: { series: { title: 'x', tropes: [], recommendations: [{ series: null, reasons: [] }] } } },
      { data: { series: { title: 'x', tropes: 'love', recommendations: [] } } },
      { data: { series: 'soundtrack-1' } },
      ['not', 'an', 'answer'],
      { errors: 'none' },
    ].entries()) {
      refused.fakeGraphql = malformed;
      // Wait for Lit's update, so the state read next is this request's and not the last one's.
      await page.evaluate(async (series: string) => {
        const widget = document.querySelector('drama-recommendations')!;
        widget.setAttribute('series', series);
        await (widget as any).updateComplete;
      }, `series-${index}`);
      await settled(page);
      const shown = await rendered(page);
      expect(shown.state, JSON.stringify(malformed)).toBe('error');
      expect(shown.alert).toMatch(/unexpected|could not be loaded/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses hostile attributes in its error state without sending anything; odd but valid slugs are just unknown', async () => {
    const { page, graphql } = await open(allowed, '');
    const show = async (attributes: Record<string, string>) => {
      await page.evaluate((set: Record<string, string>) => {
        const widget = document.createElement('drama-recommendations');
        for (const [name, value] of Object.entries(set)) widget.setAttribute(name, value);
        document.body.replaceChildren(widget);
      }, attributes);
      await settled(page);
      return rendered(page);
    };
    await page.waitForFunction(() => customElements.get('drama-recommendations') !== undefined, WAIT);
    const cases: Record<string, string>[] = [
      {},
      { series: '' },
      { series: '"><img src=x onerror="window.__pwned=1">' },
      { series: '__proto__' },
      { series: `${'a-'.repeat(5_000)}a` },
      { series: '드라마' },
      { series: 'soundtrack-1" watched-through="1' },
      { series: 'soundtrack-1', 'watched-through': 'three' },
      { series: 'soundtrack-1', 'watched-through': '-1' },
      { series: 'soundtrack-1', 'watched-through': '0' },
      { series: 'soundtrack-1', 'watched-through': '3.5' },
      { series: 'soundtrack-1', 'watched-through': '1e3' },
      { series: 'soundtrack-1', 'watched-through': '99999999999999999999' },
      { series: 'soundtrack-1', 'watched-through': '2147483648' },
      { series: 'soundtrack-1', endpoint: 'javascript:alert(1)' },
    ];
    for (const attributes of cases) {
      const shown = await show(attributes);
      expect(shown.state, JSON.stringify(attributes).slice(0, 80)).toBe('error');
      expect(shown.alert).toBeTruthy();
      expect(shown.images + shown.scripts).toBe(0);
    }
    expect(graphql).toEqual([]);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    for (const series of ['constructor', 'to-string', 'a'.repeat(200)]) {
      const unknown = await show({ series });
      expect(unknown.state, series).toBe('empty');
      expect(unknown.status).toContain(`"${series}"`);
    }
    const largest = await show({ series: 'soundtrack-1', 'watched-through': '2147483647' });
    expect(largest.state).toBe('ready');
    expect(largest.titles.length).toBeGreaterThan(0);
    await page.close();
  });
});
