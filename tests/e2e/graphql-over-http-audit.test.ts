import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpsSettings, parseOpsSettings } from '../../src/config/settings.js';
import { type OpsService, opsService, URL_BASE } from '../support/ops.js';

/** The MAY audits we hold ourselves to: those about status codes for invalid parameters and bodies. */
const isStatusCodeAudit = (name: string) => /status code/.test(name);

function production(overrides: Record<string, string> = {}): OpsSettings {
  const parsed = parseOpsSettings({ NODE_ENV: 'production', RATE_LIMIT_MAX: '1000000', ...overrides });
  if (!parsed.success) throw parsed.error;
  return { ...parsed.data, warmRecommendations: false };
}

describe('the graphql-http server audit (GraphQL over HTTP)', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  /** The audits that send `__type` (introspection), which production refuses on purpose (INTROSPECTION_DISABLED). */
  const INTROSPECTING = ['2EA1', '28B9'];
  const settings: [string, () => Partial<OpsSettings> | undefined, string[]][] = [
    ['in-process defaults', () => undefined, []],
    ['production settings with introspection on', () => production({ INTROSPECTION: 'true' }), []],
    ['production settings (introspection off): all but the audits that introspect', () => production(), INTROSPECTING],
  ];

  for (const [title, ops, expectedFailures] of settings) {
    it(`passes every MUST and SHOULD, and the MAY audits about status codes: ${title}`, async () => {
      const yoga = service.yoga({ ops: ops() });
      const audits = serverAudits({ url: `${URL_BASE}/graphql`, fetchFn: yoga.fetch });
      expect(audits.length).toBeGreaterThan(50);
      const failed: string[] = [];
      for (const audit of audits) {
        const result = await audit.fn();
        const held = /^(MUST|SHOULD)/.test(audit.name) || isStatusCodeAudit(audit.name);
        if (held && result.status !== 'ok') failed.push(audit.id);
      }
      expect(failed).toEqual(expectedFailures);
    });
  }
});
