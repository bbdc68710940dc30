// Shared by the Chromium tests: serves a page and named directories from 127.0.0.1, opens the
// page in headless Debian Chromium (never a downloaded browser) and waits for `window.ready`.
import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TYPES = {
  ".mjs": "text/javascript",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".html": "text/html",
  ".pem": "text/plain",
};
// Without the background-networking flags Chromium keeps dialling Google on this closed network.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Serves `page` at `/` and each `[prefix, dir]` of `served` (nothing else is reachable), then
 * opens it. `route(req, res, url, origin)` may answer other paths first: it returns true when
 * it did. Resolves to `{ origin, tab, context, close() }`.
 */
export async function openPage({ page, served, route, profilePrefix = "erasekit-chromium-" }) {
  let origin;
  async function serve(req, res) {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(page);
      return;
    }
    if (route && (await route(req, res, url, origin))) return;
    for (const [prefix, dir] of served) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
      if (!file.startsWith(dir)) break;
      try {
        const bytes = await readFile(file);
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(bytes);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.writeHead(404).end();
  }
  const server = createServer((req, res) => serve(req, res).catch(() => res.writeHead(500).end()));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const profile = await mkdtemp(join(tmpdir(), profilePrefix));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const close = async () => {
    await context.close();
    server.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    const tab = await context.newPage();
    const problems = [];
    tab.on("pageerror", (err) => problems.push(String(err)));
    await tab.goto(origin + "/");
    await tab.waitForFunction(() => window.ready === true, null, { timeout: 30_000 }).catch((err) => {
      throw new Error(`page did not load the wasm: ${problems.join("; ") || err}`);
    });
    return { origin, tab, context, close };
  } catch (err) {
    await close();
    throw err;
  }
}
