// SPDX-License-Identifier: MIT
// Drives the HTML data map in headless Chromium (Debian's chromium, npm's playwright-core).
//   node map_test.js check PAGES_DIR ARTIFACTS_DIR     the interaction test (exit 0 = pass)
//   node map_test.js time RUNS FILE.html...            first-render time of each page, median of RUNS
//   node map_test.js shot FILE.html OUT.png [ID]        a screenshot (hovering point ID), for the docs
// The check runs twice, with WebGL and with the canvas 2D fallback (?renderer=2d): the page
// loads with no console error and no network request, the canvas is not blank, hovering a
// point shows its title, the search box highlights the matches, clicking a point lights up its
// neighbours, the query's neighbours are lit on load, a lasso selects exactly the points inside
// it, and the XSS payload in titles and labels shows as text and never runs.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');

function loadPlaywright() {
  const places = [process.env.VSPACE_NODE_MODULES, ...(process.env.NODE_PATH || '').split(':')].filter(Boolean);
  for (const p of places) {
    try { return require(require.resolve('playwright-core', { paths: [p] })); } catch (e) { /* next */ }
  }
  return require('playwright-core');
}
const { chromium } = loadPlaywright();

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vspace-chromium-'));
  // launchPersistentContext takes the fresh profile folder (Chromium's --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.VSPACE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'],
  });
  return { context, close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}

/** Opens a page and records console errors, page errors and every request that is not the file itself. */
async function open(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url.split('?')[0] && r.url() !== url) problems.push(`request: ${r.url()}`); });
  await page.goto(url);
  await page.waitForFunction(() => window.vspaceMap && window.vspaceMap.ready, null, { timeout: 120000 });
  return { page, problems };
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}
const sameSet = (a, b) => a.length === b.length && [...a].sort((x, y) => x - y).every((v, i) => v === [...b].sort((x, y) => x - y)[i]);

async function checkPage(context, file, expect, renderer, artifacts) {
  const url = 'file://' + file + (renderer === '2d' ? '?renderer=2d' : '');
  const { page, problems } = await open(context, url);
  const api = (fn, arg) => page.evaluate(fn, arg);
  const name = await api(() => window.vspaceMap.renderer);
  console.log(`-- ${path.basename(file)} with ${name}`);
  check(renderer === '2d' ? name === 'canvas 2D' : name === 'WebGL', `renderer is ${name}`);
  check(await api(() => window.vspaceMap.n) === expect.n, `all ${expect.n} points loaded`);

  const inked = await api(() => window.vspaceMap.inkedPixels());
  check(inked > 2000, `canvas is not blank (${inked} inked pixels)`);

  // The query's neighbours are lit from the start.
  check(sameSet(await api(() => window.vspaceMap.pointsIn('neighbor')), expect.query.neighbors), 'query neighbours lit on load');
  await page.keyboard.press('Escape');
  check((await api(() => window.vspaceMap.pointsIn('neighbor'))).length === 0, 'Escape clears the highlight');

  // Hover: the tooltip shows the point's title.
  const hoverAt = async (id) => {
    const p = await api((i) => window.vspaceMap.screenPosition(i), id);
    await page.mouse.move(p.x, p.y);
    await page.waitForFunction(() => !document.getElementById('tooltip').hidden, null, { timeout: 5000 }).catch(() => {});
    return page.evaluate(() => document.getElementById('tooltip').textContent);
  };
  const tip = await hoverAt(expect.hover.id);
  check(tip.includes(expect.hover.text) && tip.includes(`id ${expect.hover.id}`), `hover shows "${expect.hover.text}"`);
  const xssTip = await hoverAt(expect.xss_point);
  check(xssTip.includes(expect.xss), 'hover shows the XSS title as literal text');

  // Search (case-insensitive) highlights exactly the matches.
  await page.fill('#search', expect.search.query);
  await page.waitForFunction(() => document.getElementById('search-count').textContent !== '', null, { timeout: 5000 });
  const matches = await api(() => window.vspaceMap.pointsIn('match'));
  check(sameSet(matches, expect.search.ids), `search "${expect.search.query}" highlights ${matches.length} of ${expect.search.ids.length} matches`);
  await page.fill('#search', '');
  await page.waitForFunction(() => window.vspaceMap.pointsIn('match').length === 0, null, { timeout: 5000 });

  // Click: the point is focused and its neighbours (original space) are lit.
  const c = await api((i) => window.vspaceMap.screenPosition(i), expect.click.id);
  await page.mouse.click(c.x, c.y);
  await page.waitForFunction(() => window.vspaceMap.pointsIn('focus').length === 1, null, { timeout: 5000 }).catch(() => {});
  check(sameSet(await api(() => window.vspaceMap.pointsIn('focus')), [expect.click.id]), `click focuses point ${expect.click.id}`);
  check(sameSet(await api(() => window.vspaceMap.pointsIn('neighbor')), expect.click.neighbors), 'click lights up its neighbours');
  const listed = await page.$$eval('#info ol.points li', (items) => items.length);
  check(listed === expect.click.neighbors.length, `info panel lists ${listed} neighbours`);
  await page.screenshot({ path: path.join(artifacts, `map-${renderer}-click.png`) });
  await page.keyboard.press('Escape');

  // Lasso (Shift + drag) around the isolated blob selects exactly its points.
  const blob = await api((ids) => ids.map((i) => window.vspaceMap.screenPosition(i)), expect.lasso.ids);
  const xa = Math.min(...blob.map((p) => p.x)) - 12, xb = Math.max(...blob.map((p) => p.x)) + 12;
  const ya = Math.min(...blob.map((p) => p.y)) - 12, yb = Math.max(...blob.map((p) => p.y)) + 12;
  await page.keyboard.down('Shift');
  await page.mouse.move(xa, ya);
  await page.mouse.down();
  for (const [x, y] of [[xb, ya], [xb, yb], [xa, yb], [xa, ya + 1]]) await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const selected = await api(() => window.vspaceMap.pointsIn('match'));
  check(sameSet(selected, expect.lasso.ids), `lasso selects the ${selected.length} points inside it`);
  const exported = await page.$eval('#info textarea.ids', (t) => t.value.split('\n').map(Number)).catch(() => []);
  check(sameSet(exported, expect.lasso.ids), 'selected ids are exported as text');
  await page.keyboard.press('Escape');

  // XSS: the payload is on the page as text (title, legend, cluster name) and never ran.
  const xss = await api(() => ({
    pwned: window.__pwned, images: document.images.length, scripts: document.scripts.length,
    title: document.getElementById('title').textContent, legend: document.getElementById('legend').textContent,
    labels: document.getElementById('labels').textContent,
  }));
  check(xss.pwned === undefined && xss.images === 0 && xss.scripts === 2, 'the XSS payload did not run');
  check(xss.title === expect.xss && xss.legend.includes(expect.xss) && xss.labels.includes(expect.xss),
        'the XSS payload shows as literal text in the title, legend and cluster names');

  await page.screenshot({ path: path.join(artifacts, `map-${renderer}.png`) });
  for (const p of problems) check(false, p);
  check(problems.length === 0, 'no console errors and no network requests');
  await page.close();
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  const browser = await launch();
  try {
    if (mode === 'check') {
      const [dir, artifacts] = rest;
      fs.mkdirSync(artifacts, { recursive: true });
      const expect = JSON.parse(fs.readFileSync(path.join(dir, 'small.expect.json'), 'utf8'));
      for (const renderer of ['webgl', '2d']) await checkPage(browser.context, path.resolve(dir, 'small.html'), expect, renderer, artifacts);
      console.log(failures ? `browser test: ${failures} checks failed` : 'browser test: all checks passed');
      process.exitCode = failures ? 1 : 0;
    } else if (mode === 'time') {
      const [runs, ...files] = rest;
      for (const file of files) {
        const times = [];
        let name = '';
        for (let r = 0; r < Number(runs); r++) {
          const { page, problems } = await open(browser.context, 'file://' + path.resolve(file));
          const t = await page.evaluate(() => [window.vspaceMap.firstRenderMs, window.vspaceMap.renderer, window.vspaceMap.n]);
          times.push(t[0]);
          name = `${t[2]} points, ${t[1]}`;
          if (problems.length) throw new Error(problems.join('; '));
          await page.close();
        }
        times.sort((a, b) => a - b);
        const mb = (fs.statSync(file).size / 1e6).toFixed(1);
        console.log(`${path.basename(file)}: ${name}, ${mb} MB, first render median ${Math.round(times[times.length >> 1])} ms ` +
                    `(runs: ${times.map(Math.round).join(', ')})`);
      }
    } else if (mode === 'shot') {
      // A screenshot for the docs, optionally with the tooltip of one point showing.
      const [file, out, hoverId] = rest;
      const { page, problems } = await open(browser.context, 'file://' + path.resolve(file));
      if (hoverId !== undefined) {
        const p = await page.evaluate((i) => window.vspaceMap.screenPosition(i), Number(hoverId));
        await page.mouse.move(p.x, p.y);
        await page.waitForTimeout(300);
      }
      await page.screenshot({ path: out });
      if (problems.length) throw new Error(problems.join('; '));
    } else {
      throw new Error('usage: map_test.js check PAGES_DIR ARTIFACTS_DIR | time RUNS FILE.html... | shot FILE.html OUT.png [ID]');
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(`browser test: ${e.stack || e}`); process.exit(1); });
