const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text every store can keep exactly: Neo4j (UTF-8 on the wire) turns lone surrogates into U+FFFD. */
export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

export const NOT_WELL_FORMED = 'must be well-formed Unicode (no lone surrogates)';
