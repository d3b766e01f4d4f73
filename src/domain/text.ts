const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text every store can keep exactly: Neo4j (UTF-8 on the wire) turns lone surrogates into U+FFFD. */
export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** Orders strings by UTF-16 code units, as every store's listings and rankings do. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
