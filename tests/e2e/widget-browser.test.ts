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

/** Once widget.js has defined the element. */
const upgraded = (page: Page) =>
  page.waitForFunction(() => customElements.get('drama-recommendations') !== undefined, WAIT);

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
    // The button went away as it loaded again; focus stayed in the widget, on its card (red team 66).
    expect(
      await page.evaluate(() => document.querySelector('drama-recommendations')!.shadowRoot!.activeElement?.tagName),
    ).toBe('SECTION');
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
    await upgraded(page);
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
  // Red team 66: the element's properties, set by script or a framework, may hold numbers or anything else.
  it('takes its properties as scripts set them: a number is an episode, anything else is the error state, never the last answer', async () => {
    const { page, errors } = await open(
      allowed,
      '<drama-recommendations series="soundtrack-1" watched-through="4"></drama-recommendations>',
    );
    await settled(page, ['ready']);
    expect((await rendered(page)).progress).toContain('episode 4');
    const setProperty = (name: string, value: unknown) =>
      page.evaluate(
        async (property: string, given: unknown) => {
          const widget = document.querySelector('drama-recommendations') as any;
          widget[property] = given === '__undefined__' ? undefined : given;
          await widget.updateComplete;
        },
        name,
        value as any,
      );
    await setProperty('watchedThrough', 1);
    await page.waitForFunction(
      () =>
        document
          .querySelector('drama-recommendations')
          ?.shadowRoot?.querySelector('[part~="progress"]')
          ?.textContent?.includes('episode 1'),
      WAIT,
    );
    for (const hostile of [{ p: 1 }, 1.5, true, -3, [4], 'four']) {
      await setProperty('watchedThrough', hostile);
      await settled(page, ['error']);
      const shown = await rendered(page);
      expect(shown.titles, JSON.stringify(hostile)).toEqual([]);
      expect(shown.progress).toBe('');
      await setProperty('watchedThrough', 3);
      await settled(page, ['ready']);
    }
    for (const [name, value] of [
      ['series', 42],
      ['series', { toString: 'soundtrack-1' }],
      ['endpoint', 42],
    ] as const) {
      await setProperty(name, value);
      await settled(page, ['error']);
      expect((await rendered(page)).titles, `${name} = ${JSON.stringify(value)}`).toEqual([]);
      await setProperty(name, name === 'series' ? 'soundtrack-1' : '__undefined__');
      await settled(page, ['ready']);
    }
    // Set before the element is connected (and upgraded), as a framework does: a number, then undefined.
    for (const [given, progress] of [
      [3, 'episode 3'],
      ['__undefined__', ''],
    ] as const) {
      await page.evaluate((episode: unknown) => {
        const widget = document.createElement('drama-recommendations') as any;
        widget.series = 'soundtrack-1';
        widget.watchedThrough = episode === '__undefined__' ? undefined : episode;
        document.body.replaceChildren(widget);
      }, given);
      await settled(page, ['ready', 'error']);
      const shown = await rendered(page);
      expect(shown.state).toBe('ready');
      if (progress) expect(shown.progress).toContain(progress);
      else expect(shown.progress).not.toContain('Spoiler-free');
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('describes each recommendation to assistive technology by its reasons', async () => {
    const { page, errors } = await open(
      allowed,
      '<drama-recommendations series="soundtrack-1" watched-through="3"></drama-recommendations>',
    );
    await settled(page, ['ready']);
    const shown = await rendered(page);
    expect(shown.titles.length).toBeGreaterThan(0);
    const snapshot = await page.accessibility.snapshot({ interestingOnly: false });
    const articles: { name?: string; description?: string }[] = [];
    const walk = (node: any) => {
      if (node.role === 'article') articles.push(node);
      for (const child of node.children ?? []) walk(child);
    };
    walk(snapshot);
    expect(articles.map((article) => article.name)).toEqual(shown.titles);
    articles.forEach((article, i) => {
      for (const reason of shown.reasons[i]!) expect(article.description).toContain(reason);
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps long unbroken text inside its card and isolates right-to-left facts', async () => {
    const long = 'W'.repeat(300);
    refused.fakeGraphql = {
      data: {
        series: {
          title: long,
          tropes: [],
          recommendations: [
            {
              series: { slug: 'a', title: long, originalTitle: '\u202eabc', country: 'Korea', releaseYear: 2020 },
              reasons: [{ kind: 'SHARED_GENRE', text: long }],
            },
            { series: { slug: 'b', title: 'No facts' }, reasons: [] },
          ],
        },
      },
    };
    const { page, errors } = await open(
      allowed,
      `<aside style="width: 320px"><drama-recommendations series="soundtrack-1" endpoint="${refused.origin}/graphql"></drama-recommendations></aside>`,
    );
    await settled(page, ['ready']);
    const layout = await page.evaluate(() => {
      const root = document.querySelector('drama-recommendations')!.shadowRoot!;
      const card = root.querySelector('section')!;
      return {
        card: [card.scrollWidth, card.clientWidth],
        page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
        facts: [...root.querySelectorAll('[part~="facts"]')].map((p) =>
          [...p.querySelectorAll('bdi')].map((bdi) => bdi.textContent),
        ),
        factsText: [...root.querySelectorAll('[part~="facts"]')].map((p) => p.textContent),
      };
    });
    expect(layout.card[0]).toBeLessThanOrEqual(layout.card[1]!);
    expect(layout.page[0]).toBeLessThanOrEqual(layout.page[1]!);
    expect(layout.facts).toEqual([['\u202eabc', 'Korea', '2020']]);
    expect(layout.factsText).toEqual(['\u202eabc · Korea · 2020']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks an empty endpoint at its own service, a relative one at the page, and refuses one with a password', async () => {
    refused.fakeGraphql = await postQuery(service.url, WIDGET_OPERATION, { series: 'soundtrack-1', watchedThrough: 3 });
    const ask = async (endpoint: string) => {
      const { page, graphql } = await open(
        refused,
        `<drama-recommendations series="soundtrack-1" watched-through="3" endpoint="${endpoint}"></drama-recommendations>`,
      );
      await settled(page);
      const shown = await rendered(page);
      const asked = graphql.map((request) => new URL(request.url).origin);
      await page.close();
      return { shown, asked };
    };
    // The service allows only `allowed`'s origin, so from `refused`'s page the default endpoint is refused by CORS.
    const empty = await ask('');
    expect(empty.asked).toEqual([serviceOrigin]);
    const relative = await ask('/graphql');
    expect(relative.asked).toEqual([refused.origin]);
    expect(relative.shown.state).toBe('ready');
    const withPassword = await ask(`http://user:pw@127.0.0.1:${new URL(serviceOrigin).port}/graphql`);
    expect(withPassword.asked).toEqual([]);
    expect(withPassword.shown.state).toBe('error');
    expect(withPassword.shown.alert).toContain('endpoint');
  });

  it('gives up on an endpoint that never answers, with the error state and Try again', async () => {
    refused.fakeGraphql = await postQuery(service.url, WIDGET_OPERATION, { series: 'soundtrack-1', watchedThrough: 3 });
    refused.hold = true;
    const { page, errors } = await open(allowed, '');
    await upgraded(page);
    await page.evaluate((endpoint: string) => {
      (customElements.get('drama-recommendations') as any).loadTimeoutMs = 500;
      const widget = document.createElement('drama-recommendations');
      widget.setAttribute('series', 'soundtrack-1');
      widget.setAttribute('endpoint', endpoint);
      document.body.replaceChildren(widget);
    }, `${refused.origin}/graphql`);
    await settled(page, ['error']);
    const shown = await rendered(page);
    expect(shown.alert).toContain('did not answer');
    expect(shown.alert).toContain('Try again');
    refused.hold = false;
    expect(errors).toEqual([]);
    await page.close();
  });

  it('treats odd values in an answer as unexpected, shows at most 20 recommendations, and offers Try again after any service error', async () => {
    const item = (i: number, series: Record<string, unknown> = {}) => ({
      series: { slug: `s-${i}`, title: `Series ${i}`, ...series },
      reasons: [{ kind: 'SHARED_GENRE', text: 'Also drama' }],
    });
    const answer = (recommendations: unknown[]) => ({ data: { series: { title: 'x', tropes: [], recommendations } } });
    const { page, errors } = await open(allowed, '');
    await upgraded(page);
    const show = async (fake: unknown, series: string) => {
      refused.fakeGraphql = fake;
      await page.evaluate(
        async (endpoint: string, slug: string) => {
          const widget = document.createElement('drama-recommendations');
          widget.setAttribute('series', slug);
          widget.setAttribute('endpoint', endpoint);
          document.body.replaceChildren(widget);
          await (widget as any).updateComplete;
        },
        `${refused.origin}/graphql`,
        series,
      );
      await settled(page);
      return {
        ...(await rendered(page)),
        retry: await page.evaluate(
          () => !!document.querySelector('drama-recommendations')!.shadowRoot!.querySelector('[part~="retry"]'),
        ),
      };
    };
    for (const [i, fake] of [
      answer([item(1, { originalTitle: { toString: 1, valueOf: 2 } })]),
      answer([item(2, { releaseYear: '2020' })]),
      answer([item(3, { country: ['Korea'] })]),
    ].entries()) {
      const shown = await show(fake, `odd-${i}`);
      expect(shown.state).toBe('error');
      expect(shown.alert).toContain('unexpected');
    }
    const objectCode = await show({ errors: [{ message: 'x', extensions: { code: { toString: 1 } } }] }, 'code-object');
    expect(objectCode.state).toBe('error');
    expect(objectCode.alert).toContain('could not be loaded.');
    const theirCode = await show(
      { errors: [{ message: 'x', extensions: { code: 'INVALID_ATTRIBUTE' } }] },
      'code-theirs',
    );
    expect(theirCode.alert).toContain('(INVALID_ATTRIBUTE)');
    expect(theirCode.retry).toBe(true);
    const many = await show(answer(Array.from({ length: 3000 }, (_, i) => item(i))), 'many');
    expect(many.state).toBe('ready');
    expect(many.titles).toHaveLength(20);
    const bare = await show(answer([item(1), item(2, { originalTitle: null, country: 'Korea' })]), 'bare');
    expect(
      await page.evaluate(() =>
        [...document.querySelector('drama-recommendations')!.shadowRoot!.querySelectorAll('article')].map(
          (article) => article.querySelector('[part~="facts"]')?.textContent ?? null,
        ),
      ),
    ).toEqual([null, 'Korea']);
    expect(bare.state).toBe('ready');
    expect(errors).toEqual([]);
    await page.close();
  });
  // Red team 67.
  it('shows the safer episode when a property set before widget.js loaded and the attribute disagree', async () => {
    const { page, errors } = await open(
      allowed,
      `<drama-recommendations id="a" series="soundtrack-1"></drama-recommendations>
       <drama-recommendations id="b" series="soundtrack-1"></drama-recommendations>
       <drama-recommendations id="c" series="soundtrack-1" watched-through="8"></drama-recommendations>
       <script>
         a.watchedThrough = 8; a.setAttribute('watched-through', '2');
         b.watchedThrough = null; b.setAttribute('watched-through', '2');
         c.watchedThrough = 2;
       </script>`,
    );
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('drama-recommendations')].every(
          (widget) => widget.getAttribute('state') === 'ready',
        ),
      WAIT,
    );
    const progress = await page.$$eval('drama-recommendations', (widgets) =>
      widgets.map((widget) => widget.shadowRoot!.querySelector('[part~="progress"]')?.textContent?.trim() ?? ''),
    );
    expect(progress.map((line) => line.match(/up to episode (\d+)/)?.[1])).toEqual(['2', '2', '2']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads with any loadTimeoutMs a page sets: 0 and Infinity are no limit, nonsense is the default', async () => {
    const { page, errors } = await open(allowed, '');
    await upgraded(page);
    for (const timeout of ['0', 'Infinity', 'undefined', 'null', '-1', '"soon"', '2 ** 31', 'NaN']) {
      await page.evaluate((given: string) => {
        (customElements.get('drama-recommendations') as any).loadTimeoutMs = Function(`return ${given}`)();
        const widget = document.createElement('drama-recommendations');
        widget.setAttribute('series', 'soundtrack-1');
        document.body.replaceChildren(widget);
      }, timeout);
      await settled(page);
      expect((await rendered(page)).state, timeout).toBe('ready');
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('isolates each trope name, keeps focus in the card when it reloads, and asks nothing while detached', async () => {
    const want = await expected('soundtrack-1', 4);
    refused.fakeGraphql = {
      data: { series: { ...want, tropes: ['alpha', '\u202ebeta', 'gamma'].map((name) => ({ kind: 'X', name })) } },
    };
    const { page, errors, graphql } = await open(
      allowed,
      `<drama-recommendations series="soundtrack-1" watched-through="4" endpoint="${refused.origin}/graphql"></drama-recommendations>`,
    );
    await settled(page, ['ready']);
    const names = await page.evaluate(() =>
      [...document.querySelector('drama-recommendations')!.shadowRoot!.querySelectorAll('[part~="tropes"] bdi')].map(
        (bdi) => bdi.textContent,
      ),
    );
    expect(names).toEqual(['alpha', '\u202ebeta', 'gamma']);
    await page.keyboard.press('Tab');
    const focused = () =>
      page.evaluate(() => document.querySelector('drama-recommendations')!.shadowRoot!.activeElement?.tagName);
    expect(await focused()).toBe('ARTICLE');
    await page.evaluate(() => document.querySelector('drama-recommendations')!.setAttribute('watched-through', '3'));
    await settled(page, ['ready']);
    expect(await focused()).toBe('SECTION');
    const asked = graphql.length;
    const stateWhileDetached = await page.evaluate(async () => {
      const widget = document.querySelector('drama-recommendations') as any;
      widget.remove();
      for (const episode of [1, 2, 3]) {
        widget.watchedThrough = episode;
        await widget.updateComplete;
      }
      return widget.getAttribute('state');
    });
    expect(graphql.length).toBe(asked);
    expect(stateWhileDetached).toBe('loading');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('calls a page or an answer of the wrong shape unexpected, takes a URL object as endpoint, and trims only HTML whitespace', async () => {
    const item = (series: Record<string, unknown>) => ({
      series: { slug: 's', title: 'Series', ...series },
      reasons: [{ kind: 'SHARED_GENRE', text: 'Also drama' }],
    });
    const { page, errors } = await open(allowed, '');
    const htmlPage = new URL(allowed.put('<!doctype html><p>not GraphQL</p>')).pathname;
    await upgraded(page);
    const show = async (properties: Record<string, unknown>, asUrl = false) => {
      await page.evaluate(
        async (given: Record<string, unknown>, url: boolean) => {
          const widget = document.createElement('drama-recommendations') as any;
          for (const [name, value] of Object.entries(given))
            widget[name] = url && name === 'endpoint' ? new URL(value as string, document.baseURI) : value;
          document.body.replaceChildren(widget);
          await widget.updateComplete;
        },
        properties,
        asUrl,
      );
      await settled(page);
      return rendered(page);
    };
    const fake = `${refused.origin}/graphql`;
    for (const [i, answer] of [
      { data: { series: { title: 'x', tropes: [], recommendations: [item({})] } }, errors: {} },
      { data: { series: { title: 'x', tropes: [], recommendations: [item({ releaseYear: 1e21 })] } } },
      { data: { series: { title: 'x', tropes: [], recommendations: [item({ releaseYear: -5 })] } } },
      { data: { series: { title: 'x', tropes: [], recommendations: [item({ title: '' })] } } },
      { data: { series: { title: '', tropes: [], recommendations: [item({})] } } },
    ].entries()) {
      refused.fakeGraphql = answer;
      const shown = await show({ series: `shape-${i}`, endpoint: fake });
      expect(shown.state, JSON.stringify(answer)).toBe('error');
      expect(shown.alert).toContain('unexpected');
    }
    const notJson = await show({ series: 'soundtrack-1', endpoint: htmlPage });
    expect(notJson.alert).toContain('unexpected');
    const urlObject = await show({ series: 'soundtrack-1', endpoint: `${serviceOrigin}/graphql` }, true);
    expect(urlObject.state).toBe('ready');
    for (const episode of ['\u00a03\u00a0', '\ufeff3']) {
      const shown = await show({ series: 'soundtrack-1', watchedThrough: episode });
      expect(shown.state, JSON.stringify(episode)).toBe('error');
    }
    expect((await show({ series: 'soundtrack-1', watchedThrough: '\t3\n' })).state).toBe('ready');
    expect(errors).toEqual([]);
    await page.close();
  });
});
