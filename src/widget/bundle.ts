import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { operationId } from '../config/persisted-operations.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** The widget's source is bundled from src/ as shipped, also when the service runs compiled from dist/. */
const BROWSER = path.join(PACKAGE_ROOT, 'src/widget/browser');
/** The widget's operation; persisted-operations.json holds it (npm run persisted:build). */
const OPERATION = path.join(PACKAGE_ROOT, 'examples/widget-recommendations.graphql');

export interface WidgetBundle {
  code: string;
  etag: string;
}

/** Bundles the widget and Lit into one minified ES module that names its operation by persisted id. */
async function bundleWidget(): Promise<WidgetBundle> {
  const id = operationId(await readFile(OPERATION, 'utf8'));
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(BROWSER, 'drama-recommendations.ts')],
    tsconfig: path.join(BROWSER, 'tsconfig.json'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2021',
    minify: true,
    write: false,
    legalComments: 'eof',
    define: { WIDGET_OPERATION_ID: JSON.stringify(id) },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, etag: `W/"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"` };
}

let bundled: Promise<WidgetBundle> | undefined;

/** Built on first use and kept for the life of the process; a failed build is tried again next time. */
export function widgetBundle(): Promise<WidgetBundle> {
  bundled ??= bundleWidget().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}
