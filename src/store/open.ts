import type { Config } from '../config/environment.js';
import { openEmbeddedStore } from './embedded/index.js';
import type { DramaStore } from './port.js';

export type OpenedStore = DramaStore & {
  migrate?: () => Promise<string[]>;
  /** The embedded store: bytes of data.mdb mapped and resident in this process (null: cannot tell). */
  mappedBytes?: () => number | null;
  /** The embedded store: closes and reopens lmdb to unmap them, only while nothing else reads or writes. */
  releaseMapping?: () => Promise<void>;
  /** The embedded store: derives and keeps the summaries its writes marked due (opened for import, it leaves them to this). */
  settleSummaries?: () => Promise<void>;
};

/**
 * Neo4j when NEO4J_URI is set, otherwise the embedded store in DATA_DIR. `forImport`: a command that writes and
 * exits, which settles the summaries itself (settleSummaries) instead of in the background.
 */
export async function openConfiguredStore(config: Config, options: { forImport?: boolean } = {}): Promise<OpenedStore> {
  // The Neo4j driver is loaded only when it is used: the embedded store starts without it.
  if (config.neo4j)
    return (await import('./neo4j/index.js')).openNeo4jStore({ ...config.neo4j, changeLog: config.changeLog });
  return openEmbeddedStore({
    dataDir: config.dataDir,
    changeLog: config.changeLog,
    summariesInBackground: options.forImport !== true,
  });
}
