import { addSeries, personRecord } from '../domain/build.js';
import { emptyDocument } from '../domain/collections.js';
import type { GraphDocument } from '../domain/records.js';
import type { SeedFile } from './format.js';

/** Turns validated seed files into the flat, keyed records that every store writes. */
export function toGraphDocument(files: readonly SeedFile[]): GraphDocument {
  const doc = emptyDocument();
  for (const file of files) {
    // One push per record: spreading a file of ~130,000 people overflows the call stack.
    for (const person of file.people) doc.people.push(personRecord(person));
    for (const series of file.series) addSeries(doc, series);
  }
  return doc;
}
