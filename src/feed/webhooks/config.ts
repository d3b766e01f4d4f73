import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { CHANGE_TYPES, type ChangeTypeName } from '../../domain/change-log.js';
import { COLLECTIONS, type Collection } from '../../domain/collections.js';
import { jsonKeyProblem } from '../../json-keys.js';

/** One endpoint of WEBHOOKS_FILE: where to POST, the shared secret to sign with, and which changes it wants. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  series: string | null;
  /** null: every collection. */
  collections: Collection[] | null;
}

/** WEBHOOKS_FILE could not be used: the message names the file and every problem. */
export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`WEBHOOKS_FILE ${path} cannot be used:\n${problems.join('\n')}`);
  }
}

const MAX_FILE_BYTES = 1_000_000;
export const MAX_WEBHOOK_ENDPOINTS = 100;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const webUrl = z
  .string()
  .max(2_000)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute http:// or https:// URL' },
  );

const endpointSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 lower-case letters, digits and hyphens'),
  url: webUrl,
  secret: z.string({ message: 'is required' }).min(16, 'must be at least 16 characters').max(1_000),
  filter: z
    .strictObject({
      series: z.string().min(1).max(200).nullish(),
      types: z
        .array(z.enum(Object.keys(CHANGE_TYPES) as [ChangeTypeName, ...ChangeTypeName[]]))
        .max(COLLECTIONS.length * 2)
        .nullish(),
    })
    .nullish(),
});

const fileSchema = z.strictObject({ endpoints: z.array(endpointSchema).max(MAX_WEBHOOK_ENDPOINTS) });

/** Reads and checks WEBHOOKS_FILE; throws WebhookConfigError naming every problem. */
export function loadWebhooks(path: string): WebhookEndpoint[] {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES)
      throw new WebhookConfigError(path, [`the file is larger than ${MAX_FILE_BYTES} bytes`]);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof WebhookConfigError) throw error;
    throw new WebhookConfigError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  let raw: unknown;
  const forbidden: string[] = [];
  try {
    raw = JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden.push(key);
      return value;
    });
  } catch (error) {
    throw new WebhookConfigError(path, [`is not JSON: ${(error as Error).message}`]);
  }
  if (forbidden.length > 0)
    throw new WebhookConfigError(path, [`uses the reserved key ${JSON.stringify(forbidden[0])}`]);
  const ambiguous = jsonKeyProblem(text);
  if (ambiguous !== null) throw new WebhookConfigError(path, [ambiguous]);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success)
    throw new WebhookConfigError(
      path,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the file)'}: ${issue.message}`),
    );
  const seen = new Set<string>();
  const duplicates = parsed.data.endpoints.map((e) => e.id).filter((id) => seen.has(id) || !seen.add(id));
  if (duplicates.length > 0)
    throw new WebhookConfigError(path, [`endpoint ids must be unique: ${[...new Set(duplicates)].join(', ')} repeat`]);
  return parsed.data.endpoints.map((e) => ({
    id: e.id,
    url: e.url,
    secret: e.secret,
    series: e.filter?.series ?? null,
    collections: e.filter?.types == null ? null : [...new Set(e.filter.types.map((t) => CHANGE_TYPES[t]))],
  }));
}
