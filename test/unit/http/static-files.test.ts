// Static file serving for the web client: content types, security headers, and refusal of
// every path that could lead outside the served directory. Real HTTP on loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFUSED, segmentsOf, staticFiles } from '../../../src/http/static-files.js';
import { CONTENT_SECURITY_POLICY, defaultWebRoot, webClient, WEB_NOT_BUILT } from '../../../src/http/web-client.js';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A request with the path exactly as given (fetch would normalise dot segments away). */
function raw(port: number, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('static files', () => {
  let dir: string;
  let root: string;
  let server: Server;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-static-'));
    root = join(dir, 'site');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'app-1.css'), 'body{}');
    writeFileSync(join(root, 'icon.svg'), '<svg/>');
    writeFileSync(join(root, 'blob.xyz'), 'x');
    writeFileSync(join(root, '.hidden'), 'hidden');
    writeFileSync(join(dir, 'secret.txt'), 'SECRET');
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
    ({ server, port } = await listen(webClient(root)));
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the index at / with the security headers and no caching', async () => {
    const r = await raw(port, '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.body, '<!doctype html><title>t</title>');
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe/);
  });

  it('serves each file with its content type; hashed assets are cached for good', async () => {
    const js = await raw(port, '/assets/app-1.js?v=1');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.body, 'console.log(1)');
    assert.equal((await raw(port, '/assets/app-1.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await raw(port, '/icon.svg')).headers['content-type'], 'image/svg+xml');
    assert.equal((await raw(port, '/blob.xyz')).headers['content-type'], 'application/octet-stream');
  });

  it('answers HEAD without a body, 404 for missing files and 405 for other methods', async () => {
    const head = await raw(port, '/assets/app-1.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '14');
    assert.equal(head.body, '');
    assert.equal((await raw(port, '/nope.js')).status, 404);
    assert.equal((await raw(port, '/assets')).status, 404);
    const post = await raw(port, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  it('refuses every path that leads outside the root or to hidden files', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/%zz',
      '/.hidden',
      '/link.txt',
    ]) {
      const r = await raw(port, path);
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
      assert.ok(!r.body.includes('SECRET') && !r.body.includes('hidden'), path);
    }
  });

  it('splits URL paths into safe segments', () => {
    assert.deepEqual(segmentsOf('/a//b/c.js?x=/../y#z'), ['a', 'b', 'c.js']);
    assert.deepEqual(segmentsOf('/caf%C3%A9.png'), ['café.png']);
    assert.equal(segmentsOf('/a/%2e/b'), REFUSED);
    assert.equal(segmentsOf('relative'), REFUSED);
  });

  it('says how to build the client when it was not built', async () => {
    const empty = await listen(staticFiles({ root: join(dir, 'missing'), missingIndex: WEB_NOT_BUILT }));
    try {
      const r = await raw(empty.port, '/');
      assert.equal(r.status, 503);
      assert.equal(r.body, WEB_NOT_BUILT);
      assert.equal((await raw(empty.port, '/assets/x.js')).status, 404);
    } finally {
      await new Promise<void>((resolve) => empty.server.close(() => resolve()));
    }
  });

  it('finds web/dist of the package from the sources and from the compiled tree', () => {
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'web'), { recursive: true });
    mkdirSync(join(pkg, 'dist', 'src', 'http'), { recursive: true });
    mkdirSync(join(pkg, 'src', 'http'), { recursive: true });
    writeFileSync(join(pkg, 'web', 'index.html'), '');
    assert.equal(defaultWebRoot(join(pkg, 'src', 'http')), join(pkg, 'web', 'dist'));
    assert.equal(defaultWebRoot(join(pkg, 'dist', 'src', 'http')), join(pkg, 'web', 'dist'));
  });
});
