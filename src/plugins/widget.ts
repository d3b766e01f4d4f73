import type { Plugin } from 'graphql-yoga';
import { widgetBundle } from '../widget/bundle.js';
import { matchesIfNoneMatch } from './conditional.js';
import { errorResponse } from './refusals.js';

const SCRIPT_MAX_AGE_S = 300;

const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>drama-recommendations: the recommendation widget</title>
<link rel="icon" href="data:,">
<style>
  body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
  pre { background: #f6f8fa; padding: 0.75rem; overflow-x: auto; }
  .dark { --drama-background: #1d1b22; --drama-color: #ece6f5; --drama-muted: #b7aec6; --drama-border: #3b3546;
    --drama-accent: #c9a7ff; --drama-reason-background: #362a4a; --drama-reason-color: #eadcff; --drama-button-color: #1d1b22; }
  drama-recommendations { margin: 1rem 0; }
</style>
<script type="module" src="/widget.js"></script>
</head>
<body>
<h1>The recommendation widget</h1>
<p>Two lines put it on any page (see docs/widget.md for the attributes, states and theme properties):</p>
<pre><code>&lt;script type="module" src="https://drama.example/widget.js"&gt;&lt;/script&gt;
&lt;drama-recommendations series="soundtrack-1" watched-through="3"&gt;&lt;/drama-recommendations&gt;</code></pre>
<h2>Watched through episode 3</h2>
<drama-recommendations series="soundtrack-1" watched-through="3"></drama-recommendations>
<h2>Every episode watched, dark theme</h2>
<drama-recommendations class="dark" series="soundtrack-1"></drama-recommendations>
<h2>A series the graph does not know</h2>
<drama-recommendations series="no-such-series"></drama-recommendations>
</body>
</html>
`;

const method = (request: Request) => request.method.toUpperCase();

/** The widget's script and its demo page. */
export const WIDGET_PATHS = ['/widget.js', '/widget'] as const;

/**
 * The recommendation widget: GET /widget.js (the `<drama-recommendations>` ES module, built from
 * src/widget/browser on first request) and GET /widget (a demo page). Any page may load the script;
 * its GraphQL requests obey the CORS allowlist.
 */
export function useWidget(): Plugin {
  return {
    onRequest: async ({ request, url, endResponse }) => {
      if (!(WIDGET_PATHS as readonly string[]).includes(url.pathname)) return;
      if (method(request) !== 'GET' && method(request) !== 'HEAD') {
        return endResponse(
          errorResponse(405, 'METHOD_NOT_ALLOWED', `${url.pathname} answers GET and HEAD only.`, {
            allow: 'GET, HEAD',
          }),
        );
      }
      const head = method(request) === 'HEAD';
      if (url.pathname === '/widget') {
        return endResponse(
          new Response(head ? null : DEMO_PAGE, {
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': `public, max-age=${SCRIPT_MAX_AGE_S}`,
              'content-security-policy': DEMO_CSP,
              'x-content-type-options': 'nosniff',
            },
          }),
        );
      }
      const { code, etag } = await widgetBundle();
      const headers = {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': `public, max-age=${SCRIPT_MAX_AGE_S}`,
        etag,
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
        'x-content-type-options': 'nosniff',
      };
      const fresh = matchesIfNoneMatch(request.headers.get('if-none-match'), etag);
      endResponse(new Response(fresh || head ? null : code, { status: fresh ? 304 : 200, headers }));
    },
  };
}
