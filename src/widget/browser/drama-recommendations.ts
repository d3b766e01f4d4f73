import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';

/** The sha256 of examples/widget-recommendations.graphql, put in by the bundler (src/widget/bundle.ts). */
declare const WIDGET_OPERATION_ID: string;

const OPERATION_NAME = 'WidgetRecommendations';
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG_LENGTH = 200;
/** GraphQL's Int: the largest episode the service can be told. Without watched-through, nothing is hidden. */
const MAX_EPISODE = 2_147_483_647;
const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';
/** The most recommendations, tropes and reasons one answer shows: the operation asks for 5 recommendations. */
const MAX_LISTED = 20;
const DEFAULT_TIMEOUT_MS = 15_000;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

interface Recommendation {
  series: {
    slug: string;
    title: string;
    originalTitle?: string | null;
    country?: string | null;
    releaseYear?: number | null;
  };
  reasons: { kind: string; text: string }[];
}

interface Answer {
  title: string;
  tropes: { kind: string; name: string }[];
  recommendations: Recommendation[];
}

type Message = string | TemplateResult;
type View =
  | { state: 'loading' }
  | { state: 'ready'; answer: Answer }
  | { state: 'empty'; message: Message }
  | { state: 'error'; message: Message; retry: boolean };

type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Attributes are strings; properties set by script may hold anything. Null and undefined mean "not given". */
type Given = unknown;
const missing = (value: Given): value is null | undefined => value === null || value === undefined;
/** HTML's whitespace only: a no-break space or a byte-order mark is not taken for nothing. */
const trimmed = (text: string) => text.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');

function checkSeries(value: Given): Checked<string> {
  const slug = missing(value) ? '' : typeof value === 'string' ? trimmed(value) : '\u0000';
  if (slug === '') return { ok: false, message: 'Set the series attribute to a series slug, such as "soundtrack-1".' };
  if (slug.length > MAX_SLUG_LENGTH || !SLUG.test(slug)) {
    return { ok: false, message: 'The series attribute is not a series slug (lower-case letters, digits and dashes).' };
  }
  return { ok: true, value: slug };
}

function checkEpisode(value: Given): Checked<number> {
  if (missing(value)) return { ok: true, value: MAX_EPISODE };
  const text =
    typeof value === 'string'
      ? trimmed(value)
      : typeof value === 'number' && Number.isInteger(value)
        ? String(value)
        : '';
  const episode = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(episode >= 1 && episode <= MAX_EPISODE)) {
    return {
      ok: false,
      message: 'The watched-through attribute (watchedThrough property) must be an episode number of 1 or more.',
    };
  }
  return { ok: true, value: episode };
}

function checkEndpoint(value: Given): Checked<URL> {
  const given = value instanceof URL ? value.href : value;
  const text = missing(given) ? '' : typeof given === 'string' ? trimmed(given) : null;
  try {
    // Not given: /graphql where widget.js came from. A relative URL is the page's, as in any HTML attribute.
    const url =
      text === '' ? new URL('/graphql', import.meta.url) : text === null ? null : new URL(text, document.baseURI);
    const web = url !== null && (url.protocol === 'https:' || url.protocol === 'http:');
    if (web && url.username === '' && url.password === '') return { ok: true, value: url };
  } catch {}
  return { ok: false, message: 'The endpoint attribute is not an http(s) URL without a user name or password.' };
}

/** The lower of two episodes (not given is every episode); an invalid one wins, as the error state shows nothing. */
function saferEpisode(a: Given, b: Given): Given {
  const [first, second] = [checkEpisode(a), checkEpisode(b)];
  if (!first.ok) return a;
  if (!second.ok) return b;
  return first.value <= second.value ? a : b;
}

/** The timer of one load: loadTimeoutMs if it is a usable delay, none for 0 or Infinity, else 15 s. */
function loadTimeout(ms: unknown): number | null {
  if (ms === 0 || ms === Number.POSITIVE_INFINITY) return null;
  return typeof ms === 'number' && ms > 0 && ms <= MAX_EPISODE ? ms : DEFAULT_TIMEOUT_MS;
}

/** Items joined by `separator`, each isolated, so that one's right-to-left text does not reorder the others. */
const isolated = (items: readonly unknown[], separator: string) =>
  items.map((item, i) => html`${i === 0 ? '' : separator}<bdi>${item}</bdi>`);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * `<drama-recommendations series="soundtrack-1" watched-through="3">`: what to watch next and why, from the
 * drama graph, without spoilers past the episode watched. Themed through --drama-* custom properties.
 */
export class DramaRecommendations extends LitElement {
  static override properties = {
    series: { type: String },
    watchedThrough: { type: String, attribute: 'watched-through' },
    endpoint: { type: String },
    view: { state: true },
  };

  /**
   * How long one load may take, in ms, before the widget shows its error state (with "Try again"): counted from
   * when it asks, so it includes the browser's wait for a connection. 0 or Infinity: no limit.
   */
  static loadTimeoutMs = DEFAULT_TIMEOUT_MS;

  declare series: string | null;
  declare watchedThrough: string | number | null;
  declare endpoint: string | null;
  declare view: View;
  #request = 0;
  #abort: AbortController | undefined;

  constructor() {
    super();
    this.series = null;
    this.watchedThrough = null;
    this.endpoint = null;
    this.view = { state: 'loading' };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) void this.load();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A property set before widget.js loaded is applied at the first update, after the attributes, whichever came
    // last: where the two episodes differ, the safer one is shown.
    const attribute = this.getAttribute('watched-through');
    if (!this.hasUpdated && attribute !== null && this.watchedThrough !== attribute)
      this.watchedThrough = saferEpisode(attribute, this.watchedThrough) as string | number | null;
    if (changed.has('series') || changed.has('watchedThrough') || changed.has('endpoint')) void this.load();
  }

  protected override updated(): void {
    this.setAttribute('state', this.view.state);
  }

  /** Fetches again: after an error, or when the attributes change. */
  async load(): Promise<void> {
    const request = ++this.#request;
    this.#abort?.abort();
    if (!this.isConnected) {
      this.view = { state: 'loading' };
      return;
    }
    // What has focus (an article, "Try again") goes away as it loads again: focus stays in the widget, on its card.
    const focused = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null;
    if (focused !== null && focused.tagName !== 'SECTION') this.renderRoot.querySelector('section')?.focus();
    const series = checkSeries(this.series);
    const episode = checkEpisode(this.watchedThrough);
    const endpoint = checkEndpoint(this.endpoint);
    for (const checked of [series, episode, endpoint]) {
      if (!checked.ok) {
        this.view = { state: 'error', message: checked.message, retry: false };
        return;
      }
    }
    if (!series.ok || !episode.ok || !endpoint.ok) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.view = { state: 'loading' };
    const ms = loadTimeout(DramaRecommendations.loadTimeoutMs);
    const timer = ms === null ? undefined : setTimeout(() => abort.abort(), ms);
    const view = await this.fetchView(endpoint.value, series.value, episode.value, abort.signal);
    clearTimeout(timer);
    if (request === this.#request) this.view = view;
  }

  private async fetchView(endpoint: URL, series: string, episode: number, signal: AbortSignal): Promise<View> {
    const url = new URL(endpoint);
    url.searchParams.set('operationName', OPERATION_NAME);
    url.searchParams.set('variables', JSON.stringify({ series, watchedThrough: episode }));
    url.searchParams.set(
      'extensions',
      JSON.stringify({ persistedQuery: { version: 1, sha256Hash: WIDGET_OPERATION_ID } }),
    );
    let text: string;
    try {
      const response = await fetch(url, { headers: { accept: ACCEPT }, credentials: 'omit', mode: 'cors', signal });
      text = await response.text();
    } catch {
      return {
        state: 'error',
        message: 'The recommendations could not be loaded: the service did not answer.',
        retry: true,
      };
    }
    try {
      return toView(JSON.parse(text), series);
    } catch {
      return UNEXPECTED;
    }
  }

  private retry = () => void this.load();

  private onKeydown = (event: KeyboardEvent) => {
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('article')];
    const at = items.indexOf(event.target as HTMLElement);
    if (at < 0) return;
    const to: Record<string, number> = {
      ArrowDown: at + 1,
      PageDown: at + 1,
      ArrowUp: at - 1,
      PageUp: at - 1,
      Home: 0,
      End: items.length - 1,
    };
    const next = items[to[event.key] ?? -1];
    if (next === undefined) return;
    event.preventDefault();
    next.focus();
  };

  protected override render(): TemplateResult {
    const view = this.view;
    const busy = view.state === 'loading' ? 'true' : 'false';
    return html`<section part="card" tabindex="-1" aria-labelledby="heading" aria-busy=${busy}>
      <h2 id="heading" part="heading">${view.state === 'ready' ? html`If you like <bdi>${view.answer.title}</bdi>` : 'Recommended series'}</h2>
      ${this.renderBody(view)}
    </section>`;
  }

  private renderBody(view: View): TemplateResult {
    switch (view.state) {
      case 'loading':
        return html`<p role="status" part="status">Loading recommendations…</p>`;
      case 'empty':
        return html`<p role="status" part="status empty">${view.message}</p>`;
      case 'error':
        return html`<div role="alert" part="error">
          <p>${view.message}</p>
          ${view.retry ? html`<button type="button" part="retry" @click=${this.retry}>Try again</button>` : nothing}
        </div>`;
      case 'ready':
        return this.renderAnswer(view.answer);
    }
  }

  private renderAnswer(answer: Answer): TemplateResult {
    const episode = checkEpisode(this.watchedThrough);
    const watched = episode.ok && episode.value < MAX_EPISODE;
    const tropes = isolated(
      answer.tropes.map((trope) => trope.name),
      ', ',
    );
    const count = answer.recommendations.length;
    return html`<p part="progress">
        ${watched ? `Spoiler-free up to episode ${episode.value}.` : nothing}
        ${tropes.length > 0 ? html`<span part="tropes">${watched ? 'Tropes so far' : 'Its tropes'}: ${tropes}.</span>` : nothing}
      </p>
      <div role="feed" aria-labelledby="heading" aria-busy="false" @keydown=${this.onKeydown}>
        ${answer.recommendations.map(
          (item, index) => html`<article
            tabindex="0"
            part="item"
            aria-posinset=${index + 1}
            aria-setsize=${count}
            aria-labelledby="title-${index}"
            aria-describedby="why-${index}"
          >
            <h3 id="title-${index}" part="title">${item.series.title}</h3>
            ${this.renderFacts(item.series)}
            <ul id="why-${index}" part="reasons">
              ${item.reasons.map((reason) => html`<li part="reason">${reason.text}</li>`)}
            </ul>
          </article>`,
        )}
      </div>`;
  }

  private renderFacts(series: Recommendation['series']): TemplateResult | typeof nothing {
    const facts = [series.originalTitle, series.country, series.releaseYear].filter(
      (fact) => (typeof fact === 'string' && fact !== '') || typeof fact === 'number',
    );
    return facts.length === 0 ? nothing : html`<p part="facts">${isolated(facts, ' · ')}</p>`;
  }

  static override styles = css`
    :host {
      display: block;
      font-family: var(--drama-font, inherit);
      color: var(--drama-color, #1f2328);
      overflow-wrap: anywhere;
    }
    :host([hidden]) {
      display: none;
    }
    section {
      background: var(--drama-background, #ffffff);
      border: 1px solid var(--drama-border, #d0d7de);
      border-radius: var(--drama-radius, 8px);
      padding: var(--drama-padding, 1rem);
    }
    h2 {
      font-size: 1.1em;
      margin: 0 0 0.5rem;
    }
    h3 {
      font-size: 1em;
      margin: 0;
      color: var(--drama-accent, #6b3fa0);
    }
    p {
      margin: 0 0 0.5rem;
    }
    [part~='progress'],
    [part~='facts'],
    [part~='status'] {
      color: var(--drama-muted, #59636e);
      font-size: 0.9em;
    }
    [role='feed'] {
      display: grid;
      gap: var(--drama-gap, 0.75rem);
    }
    article {
      border-top: 1px solid var(--drama-border, #d0d7de);
      padding-top: var(--drama-gap, 0.75rem);
      border-radius: 2px;
    }
    article {
      min-width: 0;
    }
    section:focus-visible,
    article:focus-visible,
    button:focus-visible {
      outline: 3px solid var(--drama-focus, var(--drama-accent, #6b3fa0));
      outline-offset: 2px;
    }
    ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      list-style: none;
      margin: 0.35rem 0 0;
      padding: 0;
    }
    li {
      background: var(--drama-reason-background, #f1ebf8);
      color: var(--drama-reason-color, #3d2361);
      border-radius: 999px;
      padding: 0.1rem 0.6rem;
      font-size: 0.85em;
    }
    [role='alert'] {
      color: var(--drama-error, #b3261e);
    }
    button {
      font: inherit;
      color: var(--drama-button-color, #ffffff);
      background: var(--drama-accent, #6b3fa0);
      border: 0;
      border-radius: var(--drama-radius, 8px);
      padding: 0.35rem 0.9rem;
      cursor: pointer;
    }
  `;
}

function toView(body: unknown, series: string): View {
  if (!isObject(body)) return UNEXPECTED;
  if (!missing(body.errors) && !Array.isArray(body.errors)) return UNEXPECTED;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const data = isObject(body.data) ? body.data : null;
  if (errors.length > 0 || data === null) {
    const first: unknown = errors[0];
    const given = isObject(first) && isObject(first.extensions) ? first.extensions.code : undefined;
    const code = typeof given === 'string' && ERROR_CODE.test(given) ? given : '';
    return { state: 'error', message: errorMessage(code), retry: true };
  }
  if (data.series === null) return { state: 'empty', message: `No series "${series}" is known.` };
  if (!isAnswer(data.series)) return UNEXPECTED;
  const { title, tropes, recommendations } = data.series;
  if (recommendations.length === 0)
    return { state: 'empty', message: html`Nothing to recommend after <bdi>${title}</bdi> yet.` };
  const answer: Answer = {
    title,
    tropes: tropes.slice(0, MAX_LISTED),
    recommendations: recommendations
      .slice(0, MAX_LISTED)
      .map((item) => ({ ...item, reasons: item.reasons.slice(0, MAX_LISTED) })),
  };
  return { state: 'ready', answer };
}

const UNEXPECTED: View = { state: 'error', message: 'The service answered something unexpected.', retry: true };

const isText = (value: unknown) => typeof value === 'string';
const isTitle = (value: unknown) => isText(value) && value !== '';
const isFact = (value: unknown) => missing(value) || isText(value);
const isYear = (value: unknown) =>
  missing(value) || (Number.isInteger(value) && Number(value) >= 1 && Number(value) <= 9999);
const isNamed = (value: unknown) => isObject(value) && isText(value.name);
const isReason = (value: unknown) => isObject(value) && isText(value.text);
const isRecommendation = (value: unknown) =>
  isObject(value) &&
  isObject(value.series) &&
  isTitle(value.series.title) &&
  isFact(value.series.originalTitle) &&
  isFact(value.series.country) &&
  isYear(value.series.releaseYear) &&
  Array.isArray(value.reasons) &&
  value.reasons.every(isReason);

/** The shape the widget renders; anything else (another service, a proxy's page) is the error state. */
function isAnswer(value: unknown): value is Answer {
  return (
    isObject(value) &&
    isTitle(value.title) &&
    Array.isArray(value.tropes) &&
    value.tropes.every(isNamed) &&
    Array.isArray(value.recommendations) &&
    value.recommendations.every(isRecommendation)
  );
}

function errorMessage(code: string): string {
  if (code === 'RATE_LIMITED') return 'Too many requests right now; try again in a minute.';
  if (code === 'PERSISTED_QUERY_NOT_FOUND')
    return 'This widget does not match the service: its query is not on the service’s list.';
  return `The recommendations could not be loaded${code ? ` (${code})` : ''}.`;
}

if (!customElements.get('drama-recommendations')) customElements.define('drama-recommendations', DramaRecommendations);

declare global {
  interface HTMLElementTagNameMap {
    'drama-recommendations': DramaRecommendations;
  }
}
