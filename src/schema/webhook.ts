import { builder } from '../builder.js';
import type { EndpointStatus } from '../feed/webhooks/state.js';
import { changeCursor } from '../reads/changes.js';

type EndpointView = EndpointStatus & { id: string; url: string };

const WebhookEndpointRef = builder.objectRef<EndpointView>('WebhookEndpoint').implement({
  description:
    'An endpoint of WEBHOOKS_FILE and how delivery to it goes, as the replica delivering to it last saved. Its secret is never shown.',
  fields: (t) => ({
    id: t.exposeString('id'),
    url: t.exposeString('url'),
    failing: t.exposeBoolean('failing', {
      description: 'True after WEBHOOK_MAX_FAILURES failed attempts in a row; deliveries go on being retried.',
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    deliveredCursor: t.string({
      nullable: true,
      description: 'The cursor of the last change the endpoint acknowledged; null before the first.',
      resolve: (e) => (e.deliveredCursor === null ? null : changeCursor(e.deliveredCursor)),
    }),
    lastError: t.string({
      nullable: true,
      description: 'Why the latest failed attempt failed (an HTTP status or a network error).',
      resolve: (e) => e.lastError,
    }),
    lastSuccessAt: t.string({
      nullable: true,
      description: 'When the endpoint last acknowledged a delivery (ISO 8601, UTC).',
      resolve: (e) => (e.lastSuccessAt === null ? null : new Date(e.lastSuccessAt).toISOString()),
    }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.field({
    type: [WebhookEndpointRef],
    description: 'Every webhook endpoint and its delivery state. Needs an admin token.',
    authScopes: { admin: true },
    resolve: async (_root, _args, ctx) => (ctx.webhooks === null ? [] : ctx.webhooks.statuses()),
  }),
);
