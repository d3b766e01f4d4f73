import type { YogaInitialContext } from 'graphql-yoga';
import { type ClientOf, clientIdentity } from './auth/clients.js';
import type { RequestAuthenticator } from './auth/verify.js';
import type { Viewer } from './auth/viewer.js';
import { NO_PROGRESS, type Progress } from './domain/spoilers.js';
import { UnauthenticatedError } from './errors.js';
import type { ChangeFeed } from './feed/stream.js';
import type { WebhookDispatcher } from './feed/webhooks/dispatcher.js';
import { stepAside } from './plugins/admission.js';
import { budgetSignal } from './plugins/budget.js';
import { createLoaders, type LoaderMode, type Loaders } from './reads/loaders.js';
import type { DramaStore } from './store/port.js';
import { type ChangeListener, StoryWriter } from './writes/writer.js';

export interface Context extends YogaInitialContext {
  store: DramaStore;
  /** How far the viewer has watched, per series key; empty when they did not say. */
  progress: Progress;
  loaders: Loaders;
  /** Who is asking: anonymous, or the verified token's name and scopes. */
  viewer: Viewer;
  /** Mutations write through this: validation, one transaction, then cache invalidation. */
  writer: StoryWriter;
  loaderMode: LoaderMode;
  /** Where the changes subscription hears of new changes. */
  feed: ChangeFeed;
  /** The webhook deliveries, for admin tokens; null when WEBHOOKS_FILE lists none. */
  webhooks: WebhookDispatcher | null;
  /** Who asks: a verified token, else an IP address (the rate limit's key); shared work is shared fairly between them. */
  client: string;
}

/**
 * The parts of the context that depend on the viewer's progress. The loaders' reads end once the execution
 * budget has answered the request whose `context` this is (on Neo4j, on the server, not at the transaction timeout).
 */
export const withProgress = (
  context: object,
  store: DramaStore,
  progress: Progress,
  mode: LoaderMode,
  client: string,
): Pick<Context, 'progress' | 'loaders'> => ({
  progress,
  loaders: createLoaders(
    store,
    progress,
    mode,
    () => budgetSignal(context),
    client,
    (wait) => stepAside(context, wait),
  ),
});

/**
 * Builds the per-request context: the shared store, the viewer and a fresh set of loaders. Progress is known
 * only once the operation is parsed, so the watched-through plugin replaces both when the viewer gives it.
 */
export interface ContextDependencies {
  authenticate: RequestAuthenticator;
  /** Who a request is from (a verified token, else an address); without it, the socket's address. */
  clientOf?: ClientOf;
  onChange?: ChangeListener;
  loaderMode?: LoaderMode;
  feed: ChangeFeed;
  webhooks?: WebhookDispatcher | null;
}

export function createContextFactory(
  store: DramaStore,
  {
    authenticate,
    clientOf = clientIdentity(authenticate),
    onChange,
    loaderMode = 'on',
    feed,
    webhooks = null,
  }: ContextDependencies,
) {
  const writer = new StoryWriter(store, onChange ?? (async () => undefined));
  return (initial: YogaInitialContext): Omit<Context, keyof YogaInitialContext> => {
    const authentication = authenticate(initial.request);
    if (!authentication.ok) throw new UnauthenticatedError(authentication.reason);
    const { viewer } = authentication;
    const client = clientOf(initial.request, initial);
    return {
      store,
      writer: writer.as(viewer.kind === 'token' ? viewer.tokenName : null),
      loaderMode,
      feed,
      webhooks,
      viewer,
      client,
      ...withProgress(initial, store, NO_PROGRESS, loaderMode, client),
    };
  };
}
