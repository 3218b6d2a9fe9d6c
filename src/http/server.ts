import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from '../metrics.js';

export interface HealthSource {
  /** Open client connections (all transports). */
  connections: number;
}

export interface HttpServerOptions {
  metrics: Metrics;
  /** Called on each /healthz request. */
  health: () => HealthSource;
  /**
   * Answers every request that is not /healthz or /metrics (the web client's static files);
   * without it they get 404.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Whether a request's Host header names this server (http/hosts.ts). A request for another name
   * gets 403: a page that rebound its own name to this address (DNS rebinding) could otherwise
   * read /metrics, /healthz or anything else served here as if it were its own. A request without
   * Host (HTTP/1.0, which no browser sends) is let through. Without the option every Host is.
   */
  hostAllowed?: (host: string) => boolean;
}

/**
 * The HTTP side of the server: GET /healthz (JSON), GET /metrics (Prometheus text), anything
 * else to the fallback. WebSocket upgrades are attached separately (transport/websocket.ts).
 * The server is returned unstarted: the caller listens.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const started = Date.now();
  const server = createServer((req, res) => {
    const host = req.headers.host;
    if (host !== undefined && options.hostAllowed && !options.hostAllowed(host)) {
      return reply(res, 403, 'text/plain; charset=utf-8', 'unknown host: list it in http.hosts\n');
    }
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/healthz' || path === '/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
      if (path === '/healthz') {
        const body = JSON.stringify({ status: 'ok', uptime: (Date.now() - started) / 1000, connections: options.health().connections });
        return reply(res, 200, 'application/json', body, {}, req.method === 'HEAD');
      }
      options.metrics.text().then(
        (text) => reply(res, 200, options.metrics.contentType, text, {}, req.method === 'HEAD'),
        (err: Error) => reply(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${err.message}\n`),
      );
      return;
    }
    if (options.fallback) return options.fallback(req, res);
    reply(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });
  // Slow or idle clients must not hold sockets forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

function reply(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}, headOnly = false): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
  res.end(headOnly ? undefined : body);
}
