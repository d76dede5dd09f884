// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The JavaScript of the interactive HTML map, kept as readable source in a raw string so the
/// header-only library needs no build step (and works after `find_package(vspace)`). All of
/// it is ours; the page loads nothing else. It reads the JSON block that html.hpp writes,
/// draws every point with one WebGL draw call (canvas 2D where WebGL is missing), and adds
/// zoom/pan, hover tooltips, a legend that hides categories, cluster names, search, k-nearest-
/// neighbour highlighting, query markers and lasso selection. Picking uses a uniform grid, so
/// hover stays fast at 1,000,000 points. User text only ever reaches the page through
/// textContent. `window.vspaceMap` exposes a small read-only API for scripts and tests.
#pragma once

#include <string_view>

namespace vspace::detail {

inline constexpr std::string_view map_script = R"vspacejs(
(function () {
  'use strict';

  // ---------------------------------------------------------------- helpers
  const byId = (id) => document.getElementById(id);
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;  // text only: data never becomes markup
    return e;
  }
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const fmt = (v) => v.toLocaleString('en-US');

  const B64 = new Uint8Array(128).fill(255);
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('')
    .forEach((c, i) => { B64[c.charCodeAt(0)] = i; });
  function base64(s) {
    let len = s.length;
    while (len > 0 && s.charCodeAt(len - 1) === 61) len--;  // '=' padding
    const out = new Uint8Array(Math.floor(len * 3 / 4));
    const v = (k) => {
      const c = s.charCodeAt(k), x = c < 128 ? B64[c] : 255;
      if (x === 255) throw new Error('corrupt map data (base64)');
      return x;
    };
    let o = 0, i = 0;
    for (; i + 4 <= len; i += 4) {
      const w = v(i) << 18 | v(i + 1) << 12 | v(i + 2) << 6 | v(i + 3);
      out[o++] = w >> 16; out[o++] = w >> 8 & 255; out[o++] = w & 255;
    }
    const rest = len - i;
    if (rest >= 2) {
      const w = v(i) << 18 | v(i + 1) << 12 | (rest === 3 ? v(i + 2) << 6 : 0);
      out[o++] = w >> 16;
      if (rest === 3) out[o++] = w >> 8 & 255;
    }
    return out;
  }
  function u16(bytes) {  // little-endian, as written
    const out = new Uint16Array(bytes.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i] | bytes[2 * i + 1] << 8;
    return out;
  }
  function parseColor(hex) {
    const v = parseInt(hex.slice(1), 16);
    return [v >> 16 & 255, v >> 8 & 255, v & 255];
  }

  // ---------------------------------------------------------------- data
  const D = JSON.parse(byId('vspace-map-data').textContent);
  const n = D.n;
  const q = u16(base64(D.xy));  // x, y per point, 16-bit over the bounds
  const [x0, y0, x1, y1] = D.bounds;
  const ext = Math.max(x1 - x0, y1 - y0), mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
  // World coordinates: the map centred on 0, its longer side 1 long.
  const wx = new Float32Array(n), wy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    wx[i] = (x0 + q[2 * i] / 65535 * (x1 - x0) - mx) / ext;
    wy[i] = (y0 + q[2 * i + 1] / 65535 * (y1 - y0) - my) / ext;
  }
  const fields = D.fields.map((f) => {
    const bytes = base64(f.codes);
    const codes = f.bytes === 2 ? u16(bytes) : bytes;
    const counts = new Uint32Array(f.categories.length);
    for (let i = 0; i < n; i++) counts[codes[i]]++;
    return { name: f.name, categories: f.categories, colors: f.colors.map(parseColor), codes, counts,
             hidden: new Uint8Array(f.categories.length) };
  });
  const knn = D.knn ? { k: D.knn.k, bits: D.knn.bits, bytes: base64(D.knn.ids) } : null;
  function neighbors(i) {  // ids packed LSB first, `bits` bits each
    const out = [];
    if (!knn) return out;
    let pos = i * knn.k * knn.bits;
    for (let j = 0; j < knn.k; j++) {
      let v = 0;
      for (let b = 0; b < knn.bits; b++, pos++) if (knn.bytes[pos >> 3] >> (pos & 7) & 1) v += 2 ** b;
      out.push(v);
    }
    return out;
  }
  const queries = D.queries.map((qq) => ({ text: qq.text, neighbors: qq.neighbors,
                                           x: (qq.x - mx) / ext, y: (qq.y - my) / ext }));
  let texts = null, textsLower = null;  // decoded after the first frame
  function decodeTexts() {
    if (texts || !D.texts) return;
    texts = new TextDecoder('utf-8').decode(base64(D.texts)).split('\u0000');
    if (texts.length !== n) throw new Error('corrupt map data (texts)');
  }

  // ---------------------------------------------------------------- page
  const mapEl = byId('map'), canvas = byId('points'), overlay = byId('overlay');
  const octx = overlay.getContext('2d');
  const tooltip = byId('tooltip'), labelLayer = byId('labels');
  document.title = D.title || 'vspace map';
  byId('title').textContent = D.title || 'Data map';
  byId('title').hidden = !D.title;

  let W = 1, H = 1, dpr = 1;
  const view = { cx: 0, cy: 0, zoom: 1 }, target = { cx: 0, cy: 0, zoom: 1 };
  // The map is centred in the part of the window right of the panel (on wide screens).
  const inset = () => (W > 760 ? 310 : 0);
  const midX = () => inset() + (W - inset()) / 2;
  const base = () => Math.min(W - inset(), H) * 0.92;
  const toScreen = (x, y) => [(x - view.cx) * view.zoom * base() + midX(), H / 2 - (y - view.cy) * view.zoom * base()];
  const toWorld = (sx, sy) => [(sx - midX()) / (view.zoom * base()) + view.cx, (H / 2 - sy) / (view.zoom * base()) + view.cy];
  const autoSize = D.pointSize > 0 ? D.pointSize : 0;
  const pointSize = () => {
    const s = autoSize || clamp(0.9 * Math.sqrt(W * H / n), 1.5, 8);
    return s * clamp(Math.sqrt(view.zoom), 1, 6);
  };
  const alpha = D.alpha > 0 ? D.alpha : clamp(Math.sqrt(25000 / n), 0.15, 1);

  // Per point: colour (RGBA; A = 0 hides it) and state, see STATE.
  const STATE = { normal: 0, dim: 1, match: 2, neighbor: 3, focus: 4 };
  const colors = new Uint8Array(4 * n), state = new Uint8Array(n);
  let colorField = fields.length ? clamp(D.color | 0, 0, fields.length - 1) : -1;
  function fillColors() {
    const f = fields[colorField];
    for (let i = 0; i < n; i++) {
      const c = f ? f.codes[i] : 0, rgb = f ? f.colors[c] : [47, 111, 176];
      colors[4 * i] = rgb[0]; colors[4 * i + 1] = rgb[1]; colors[4 * i + 2] = rgb[2];
      colors[4 * i + 3] = f && f.hidden[c] ? 0 : 255;
    }
    renderer.colorsChanged();
  }
  const visible = (i) => colors[4 * i + 3] !== 0;

  // ---------------------------------------------------------------- renderers
  function webglRenderer() {
    if (/[?&]renderer=2d/.test(location.search)) return null;
    const gl = canvas.getContext('webgl', { antialias: false, alpha: false, depth: true, premultipliedAlpha: false });
    if (!gl) return null;
    const vs = `
      attribute vec2 a_pos; attribute vec4 a_color; attribute float a_state;
      uniform vec4 u_map; uniform float u_size; uniform float u_alpha;
      varying vec4 v_color; varying float v_ring;
      void main() {
        v_ring = 0.0;
        if (a_color.a == 0.0) { gl_Position = vec4(2.0, 2.0, 2.0, 1.0); gl_PointSize = 0.0; v_color = vec4(0.0); return; }
        float s = u_size, a = u_alpha, z = 0.5; vec3 c = a_color.rgb;
        if (a_state > 0.5 && a_state < 1.5) { a *= 0.3; c = mix(c, vec3(0.8), 0.6); z = 0.9; }
        else if (a_state > 1.5 && a_state < 2.5) { s = max(s * 1.5, 3.0); a = max(a, 0.9); z = 0.3; }
        else if (a_state > 2.5 && a_state < 3.5) { s = max(s * 2.0, 8.0); a = 1.0; z = 0.2; v_ring = 1.0; }
        else if (a_state > 3.5) { s = max(s * 2.5, 12.0); a = 1.0; z = 0.1; v_ring = 1.0; }
        gl_Position = vec4(a_pos * u_map.xy + u_map.zw, z, 1.0);
        gl_PointSize = s;
        v_color = vec4(c, a);
      }`;
    const fs = `
      precision mediump float;
      varying vec4 v_color; varying float v_ring;
      void main() {
        vec2 p = gl_PointCoord * 2.0 - 1.0;
        float r = dot(p, p);
        if (r > 1.0) discard;
        gl_FragColor = v_ring > 0.5 && r > 0.45 ? vec4(0.1, 0.1, 0.1, 1.0) : v_color;
      }`;
    const shader = (type, src) => {
      const s = gl.createShader(type);
      gl.shaderSource(s, src);
      gl.compileShader(s);
      return gl.getShaderParameter(s, gl.COMPILE_STATUS) ? s : null;
    };
    const v = shader(gl.VERTEX_SHADER, vs), f = shader(gl.FRAGMENT_SHADER, fs);
    if (!v || !f) return null;
    const prog = gl.createProgram();
    gl.attachShader(prog, v);
    gl.attachShader(prog, f);
    gl.linkProgram(prog);
    if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) return null;
    gl.useProgram(prog);
    const attribute = (name, data, size, type, normalized) => {
      const buf = gl.createBuffer(), loc = gl.getAttribLocation(prog, name);
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.DYNAMIC_DRAW);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, size, type, normalized, 0, 0);
      return buf;
    };
    attribute('a_pos', q, 2, gl.UNSIGNED_SHORT, true);
    const colorBuf = attribute('a_color', colors, 4, gl.UNSIGNED_BYTE, true);
    const stateBuf = attribute('a_state', state, 1, gl.UNSIGNED_BYTE, false);
    const u = (name) => gl.getUniformLocation(prog, name);
    const uMap = u('u_map'), uSize = u('u_size'), uAlpha = u('u_alpha');
    gl.enable(gl.BLEND);
    gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    const maxSize = gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE)[1];
    return {
      name: 'WebGL',
      colorsChanged() { gl.bindBuffer(gl.ARRAY_BUFFER, colorBuf); gl.bufferSubData(gl.ARRAY_BUFFER, 0, colors); },
      stateChanged() { gl.bindBuffer(gl.ARRAY_BUFFER, stateBuf); gl.bufferSubData(gl.ARRAY_BUFFER, 0, state); },
      draw() {
        gl.viewport(0, 0, canvas.width, canvas.height);
        gl.clearColor(1, 1, 1, 1);
        gl.clearDepth(1);
        gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
        // clip = u * mul + add, for u in [0, 1] along each axis of the bounds
        const k = view.zoom * base();
        gl.uniform4f(uMap, (x1 - x0) / ext * k * 2 / W, (y1 - y0) / ext * k * 2 / H,
                     (((x0 - mx) / ext - view.cx) * k + midX()) * 2 / W - 1, ((y0 - my) / ext - view.cy) * k * 2 / H);
        gl.uniform1f(uSize, Math.min(pointSize() * dpr, maxSize));
        gl.uniform1f(uAlpha, alpha);
        gl.drawArrays(gl.POINTS, 0, n);  // every point, one call
      },
      inked() {  // pixels that are not background, read back right after a draw
        this.draw();
        const px = new Uint8Array(canvas.width * canvas.height * 4);
        gl.readPixels(0, 0, canvas.width, canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, px);
        let c = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i] < 250 || px[i + 1] < 250 || px[i + 2] < 250) c++;
        return c;
      },
      finish() { gl.finish(); },
    };
  }

  function canvasRenderer() {  // software splatting into one ImageData: no per-point canvas calls
    const ctx = canvas.getContext('2d');
    let image = null, pixels = null;
    return {
      name: 'canvas 2D',
      colorsChanged() {}, stateChanged() {},
      draw() {
        const w = canvas.width, h = canvas.height;
        if (!image || image.width !== w || image.height !== h) {
          image = ctx.createImageData(w, h);
          pixels = image.data;
        }
        pixels.fill(255);
        const s = pointSize() * dpr, k = view.zoom * base() * dpr;
        const ox = midX() * dpr - view.cx * k, oy = H / 2 * dpr + view.cy * k;
        for (let pass = 0; pass < 3; pass++) {  // dimmed, normal and matches, then highlighted on top
          for (let i = 0; i < n; i++) {
            const st = state[i];
            if (colors[4 * i + 3] === 0 || (pass === 0) !== (st === STATE.dim) || (pass === 2) !== (st >= STATE.neighbor)) continue;
            let size = s, a = alpha, r = colors[4 * i], g = colors[4 * i + 1], b = colors[4 * i + 2];
            if (st === STATE.dim) { a *= 0.3; r = r * 0.4 + 122; g = g * 0.4 + 122; b = b * 0.4 + 122; }
            else if (st === STATE.match) { size = Math.max(s * 1.5, 3); a = Math.max(a, 0.9); }
            else if (st >= STATE.neighbor) { size = Math.max(s * (st === STATE.focus ? 2.5 : 2), st === STATE.focus ? 12 : 8); a = 1; }
            const half = size / 2, cx = ox + wx[i] * k, cy = oy - wy[i] * k;
            if (cx + half < 0 || cy + half < 0 || cx - half >= w || cy - half >= h) continue;
            // The pixels the point covers; at least one, so tiny points never vanish.
            const xa = Math.max(0, Math.round(cx - half)), xb = Math.min(w, Math.max(xa + 1, Math.round(cx + half)));
            const ya = Math.max(0, Math.round(cy - half)), yb = Math.min(h, Math.max(ya + 1, Math.round(cy + half)));
            const round = size > 3, r2 = half * half, ring = st >= STATE.neighbor ? r2 * 0.45 : Infinity;
            for (let y = ya; y < yb; y++) {
              for (let x = xa; x < xb; x++) {
                const dx = x + 0.5 - cx, dy = y + 0.5 - cy, d2 = dx * dx + dy * dy;
                if (round && d2 > r2) continue;
                const p = 4 * (y * w + x);
                if (d2 > ring) { pixels[p] = pixels[p + 1] = pixels[p + 2] = 26; continue; }
                pixels[p] += a * (r - pixels[p]);
                pixels[p + 1] += a * (g - pixels[p + 1]);
                pixels[p + 2] += a * (b - pixels[p + 2]);
              }
            }
          }
        }
        ctx.putImageData(image, 0, 0);
      },
      inked() {
        this.draw();
        let c = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 250 || pixels[i + 1] < 250 || pixels[i + 2] < 250) c++;
        return c;
      },
      finish() {},
    };
  }

  const renderer = webglRenderer() || canvasRenderer();

  // ---------------------------------------------------------------- picking grid
  let grid = null;  // points bucketed by cell of a uniform grid over the world bounds
  function buildGrid() {
    const g = clamp(Math.ceil(Math.sqrt(n / 4)), 1, 2048);
    let ax = Infinity, ay = Infinity, bx = -Infinity, by = -Infinity;
    for (let i = 0; i < n; i++) {
      ax = Math.min(ax, wx[i]); bx = Math.max(bx, wx[i]);
      ay = Math.min(ay, wy[i]); by = Math.max(by, wy[i]);
    }
    const sx = g / Math.max(bx - ax, 1e-12), sy = g / Math.max(by - ay, 1e-12);
    const cell = new Uint32Array(n), start = new Uint32Array(g * g + 1), items = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const c = Math.min(g - 1, (wx[i] - ax) * sx | 0) + g * Math.min(g - 1, (wy[i] - ay) * sy | 0);
      cell[i] = c;
      start[c + 1]++;
    }
    for (let c = 0; c < g * g; c++) start[c + 1] += start[c];
    const fill = start.slice(0, g * g);
    for (let i = 0; i < n; i++) items[fill[cell[i]]++] = i;
    grid = { g, ax, ay, sx, sy, start, items };
  }
  // Calls f(i) for the points in the cells that overlap a world rectangle.
  function forCells(xa, ya, xb, yb, f) {
    if (!grid) buildGrid();
    const { g, ax, ay, sx, sy, start, items } = grid;
    const ca = clamp((xa - ax) * sx | 0, 0, g - 1), cb = clamp((xb - ax) * sx | 0, 0, g - 1);
    const ra = clamp((ya - ay) * sy | 0, 0, g - 1), rb = clamp((yb - ay) * sy | 0, 0, g - 1);
    for (let r = ra; r <= rb; r++)
      for (let c = ca; c <= cb; c++)
        for (let t = start[r * g + c]; t < start[r * g + c + 1]; t++) f(items[t]);
  }
  // The visible point nearest to screen position (sx, sy) within `radius` CSS pixels, or -1.
  function pick(sx, sy, radius) {
    const [x, y] = toWorld(sx, sy);
    const r = radius / (view.zoom * base());
    let best = -1, bestD = r * r;
    forCells(x - r, y - r, x + r, y + r, (i) => {
      if (!visible(i)) return;
      const d = (wx[i] - x) ** 2 + (wy[i] - y) ** 2;
      // Nearest wins; at equal distance (duplicates), the highlighted one.
      if (d < bestD || (d === bestD && (best < 0 || state[i] > state[best]))) { bestD = d; best = i; }
    });
    return best;
  }

  // ---------------------------------------------------------------- highlight state
  let focus = -1, focusQuery = -2;  // -2: no query lit; -1: all queries; q >= 0: query q
  let searchHits = null, selection = null;  // Uint8Array flags or null
  function updateState() {
    const lit = [];
    if (focus >= 0) lit.push(...neighbors(focus));
    queries.forEach((qq, k) => { if (focusQuery === -1 || focusQuery === k) lit.push(...qq.neighbors); });
    const active = searchHits || selection || lit.length || focus >= 0;
    for (let i = 0; i < n; i++) {
      const pass = (!searchHits || searchHits[i]) && (!selection || selection[i]);
      state[i] = !active ? STATE.normal : (searchHits || selection) && pass ? STATE.match : STATE.dim;
    }
    for (const i of lit) state[i] = STATE.neighbor;
    if (focus >= 0) state[focus] = STATE.focus;
    renderer.stateChanged();
    requestRender();
  }

  // ---------------------------------------------------------------- drawing
  let frame = 0, firstRenderMs = -1, hover = -1, lasso = null;
  function requestRender() { if (!frame) frame = requestAnimationFrame(render); }
  function render() {
    frame = 0;
    const k = 0.25;  // smooth zoom and pan: move part of the way each frame
    view.cx += (target.cx - view.cx) * k; view.cy += (target.cy - view.cy) * k;
    view.zoom *= Math.pow(target.zoom / view.zoom, k);
    const moving = Math.abs(target.zoom / view.zoom - 1) > 1e-3 ||
                   Math.abs(target.cx - view.cx) * view.zoom > 1e-4 || Math.abs(target.cy - view.cy) * view.zoom > 1e-4;
    if (!moving) Object.assign(view, target);
    renderer.draw();
    drawOverlay();
    placeLabels();
    if (firstRenderMs < 0) {
      renderer.finish();
      firstRenderMs = performance.now();
      byId('status').textContent = `${fmt(n)} points · ${renderer.name} · first frame ${Math.round(firstRenderMs)} ms`;
      setTimeout(afterFirstFrame, 0);
    }
    if (moving) requestRender();
  }

  function drawOverlay() {
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, W, H);
    if (hover >= 0 && visible(hover)) {
      const [sx, sy] = toScreen(wx[hover], wy[hover]);
      octx.beginPath();
      octx.arc(sx, sy, Math.max(6, pointSize()), 0, 2 * Math.PI);
      octx.lineWidth = 2;
      octx.strokeStyle = '#111';
      octx.stroke();
    }
    queries.forEach((qq, k) => {
      const [sx, sy] = toScreen(qq.x, qq.y);
      octx.beginPath();
      octx.arc(sx, sy, 7, 0, 2 * Math.PI);
      octx.fillStyle = focusQuery === -1 || focusQuery === k ? '#111' : '#777';
      octx.fill();
      octx.lineWidth = 2.5;
      octx.strokeStyle = '#fff';
      octx.stroke();
      if (qq.text) {
        octx.font = '600 13px system-ui, sans-serif';
        octx.lineWidth = 4;
        octx.strokeText(qq.text, sx + 11, sy + 4);
        octx.fillStyle = '#111';
        octx.fillText(qq.text, sx + 11, sy + 4);  // canvas text: never parsed as markup
      }
    });
    if (lasso && lasso.length > 1) {
      octx.beginPath();
      octx.moveTo(lasso[0][0], lasso[0][1]);
      for (const [x, y] of lasso) octx.lineTo(x, y);
      octx.closePath();
      octx.fillStyle = 'rgba(40, 90, 200, 0.08)';
      octx.fill();
      octx.setLineDash([5, 4]);
      octx.lineWidth = 1.5;
      octx.strokeStyle = '#2850c8';
      octx.stroke();
      octx.setLineDash([]);
    }
  }

  // Cluster names: largest first; a name that would overlap one already placed is hidden.
  const labels = D.labels.map((l) => ({ ...l, x: (l.x - mx) / ext, y: (l.y - my) / ext, node: null, w: 0, h: 0 }));
  const maxCount = labels.reduce((m, l) => Math.max(m, l.count), 1);
  for (const l of labels) {
    l.node = el('div', 'label', l.name);
    l.node.style.fontSize = `${Math.round(12 + 7 * Math.sqrt(l.count / maxCount))}px`;
    labelLayer.appendChild(l.node);
  }
  function placeLabels() {
    const placed = [];
    for (const l of labels) {
      if (!l.w) { l.w = l.node.offsetWidth; l.h = l.node.offsetHeight; }
      const f = fields[l.field];
      let show = !(l.field === colorField && f && f.hidden[l.code]);
      let [sx, sy] = toScreen(l.x, l.y);
      // A name whose anchor is on screen is pushed fully into view rather than cut at the edge.
      if (sx >= 0 && sx <= W) sx = clamp(sx, l.w / 2 + 6, Math.max(l.w / 2 + 6, W - l.w / 2 - 6));
      const box = [sx - l.w / 2 - 4, sy - l.h / 2 - 2, sx + l.w / 2 + 4, sy + l.h / 2 + 2];
      if (show) show = box[2] > 0 && box[3] > 0 && box[0] < W && box[1] < H &&
                       !placed.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]);
      if (show) placed.push(box);
      l.node.style.visibility = show ? 'visible' : 'hidden';
      l.node.style.transform = `translate(${Math.round(box[0] + 4)}px, ${Math.round(box[1] + 2)}px)`;
    }
  }

  // ---------------------------------------------------------------- panels
  function describe(i, container) {  // a point's text, fields and id, as text nodes only
    if (texts && texts[i]) container.appendChild(el('div', 'text', texts[i].length > 600 ? texts[i].slice(0, 600) + '…' : texts[i]));
    for (const f of fields) {
      const row = el('div', 'field');
      const sw = el('span', 'swatch');
      sw.style.background = `rgb(${f.colors[f.codes[i]].join(',')})`;
      row.append(sw, el('span', 'key', f.name + ': '), el('span', '', f.categories[f.codes[i]]));
      container.appendChild(row);
    }
    container.appendChild(el('div', 'id', `id ${i}`));
  }

  function showTooltip(i, sx, sy) {
    tooltip.replaceChildren();
    if (i < 0) { tooltip.hidden = true; return; }
    describe(i, tooltip);
    tooltip.hidden = false;
    const r = tooltip.getBoundingClientRect();
    tooltip.style.left = `${sx + 14 + r.width > W ? sx - 14 - r.width : sx + 14}px`;
    tooltip.style.top = `${clamp(sy + 14 + r.height > H ? sy - 14 - r.height : sy + 14, 0, Math.max(0, H - r.height))}px`;
  }

  const info = byId('info');
  function showInfo() {
    info.replaceChildren();
    if (focus >= 0) {
      const head = el('div', 'head');
      head.append(el('b', '', `Point ${focus}`), closeButton());
      info.appendChild(head);
      describe(focus, info);
      const ids = neighbors(focus);
      if (ids.length) {
        info.appendChild(el('div', 'sub', `${ids.length} nearest neighbours (original space)`));
        info.appendChild(pointList(ids));
      }
    } else if (focusQuery >= 0 || (focusQuery === -1 && queries.length)) {
      const head = el('div', 'head');
      head.append(el('b', '', focusQuery >= 0 ? 'Query' : `${queries.length} queries`), closeButton());
      info.appendChild(head);
      const shown = focusQuery >= 0 ? [focusQuery] : queries.map((_, k) => k);
      for (const k of shown) {
        info.appendChild(el('div', 'text', queries[k].text || `query ${k}`));
        info.appendChild(pointList(queries[k].neighbors));
      }
    }
    if (selection) {
      const ids = [];
      for (let i = 0; i < n; i++) if (selection[i]) ids.push(i);
      const head = el('div', 'head');
      head.append(el('b', '', `${fmt(ids.length)} selected`), closeButton(() => { selection = null; updateState(); showInfo(); }));
      info.appendChild(head);
      const area = el('textarea', 'ids');
      area.readOnly = true;
      area.value = ids.join('\n');
      area.setAttribute('aria-label', 'ids of the selected points');
      const copy = el('button', '', 'Copy ids');
      copy.onclick = () => {
        area.select();
        const done = () => { copy.textContent = 'Copied'; };
        if (navigator.clipboard) navigator.clipboard.writeText(area.value).then(done, () => { document.execCommand('copy'); done(); });
        else { document.execCommand('copy'); done(); }
      };
      const save = el('button', '', 'Download .txt');
      save.onclick = () => {
        const a = el('a');
        a.href = URL.createObjectURL(new Blob([area.value + '\n'], { type: 'text/plain' }));
        a.download = 'selected-ids.txt';
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      };
      const buttons = el('div', 'buttons');
      buttons.append(copy, save);
      info.append(area, buttons);
    }
    info.hidden = !info.firstChild;
  }
  function closeButton(action) {
    const b = el('button', 'close', '×');
    b.title = 'Close';
    b.setAttribute('aria-label', 'Close');
    b.onclick = action || (() => setFocus(-1, -2));
    return b;
  }
  function pointList(ids) {
    const list = el('ol', 'points');
    for (const id of ids) {
      const li = el('li');
      const f = fields[colorField];
      const name = texts && texts[id] ? texts[id] : f ? f.categories[f.codes[id]] : '';
      li.append(el('span', 'id', `${id}`), el('span', '', ` ${name.length > 120 ? name.slice(0, 120) + '…' : name}`));
      li.onclick = () => { setFocus(id, -2); flyTo(id); };
      list.appendChild(li);
    }
    return list;
  }
  function setFocus(i, query) {
    focus = i;
    focusQuery = query;
    updateState();
    showInfo();
  }
  function flyTo(i) {
    target.cx = wx[i];
    target.cy = wy[i];
    target.zoom = Math.max(target.zoom, 4);
    requestRender();
  }

  // Legend of the colouring field: click a category to hide or show it.
  const legend = byId('legend');
  function showLegend() {
    legend.replaceChildren();
    const f = fields[colorField];
    if (!f) return;
    const order = f.categories.map((_, c) => c).filter((c) => f.counts[c] > 0);
    const shown = order.length > 200 ? order.sort((a, b) => f.counts[b] - f.counts[a]).slice(0, 200) : order;
    for (const c of shown) {
      const row = el('button', 'entry' + (f.hidden[c] ? ' off' : ''));
      const sw = el('span', 'swatch');
      sw.style.background = `rgb(${f.colors[c].join(',')})`;
      row.append(sw, el('span', 'name', f.categories[c]), el('span', 'count', fmt(f.counts[c])));
      row.title = 'Click: hide or show; double-click: show only this';
      row.onclick = () => { f.hidden[c] ^= 1; fillColors(); showLegend(); requestRender(); };
      row.ondblclick = () => { f.hidden.fill(1); f.hidden[c] = 0; fillColors(); showLegend(); requestRender(); };
      legend.appendChild(row);
    }
    if (shown.length < order.length) legend.appendChild(el('div', 'more', `+ ${fmt(order.length - shown.length)} more`));
    if (f.hidden.some((h) => h)) {
      const all = el('button', 'entry all', 'Show all');
      all.onclick = () => { f.hidden.fill(0); fillColors(); showLegend(); requestRender(); };
      legend.appendChild(all);
    }
  }

  const colorBy = byId('color-by');
  fields.forEach((f, k) => { const o = el('option', '', f.name); o.value = String(k); colorBy.appendChild(o); });
  colorBy.value = String(colorField);
  byId('color-row').hidden = fields.length < 2;
  colorBy.onchange = () => { colorField = Number(colorBy.value); fillColors(); showLegend(); requestRender(); };

  // Search: case-insensitive substring of the text or of any category name.
  const search = byId('search'), searchCount = byId('search-count');
  let searchTimer = 0;
  function runSearch() {
    const s = search.value.trim().toLowerCase();
    if (!s) { searchHits = null; searchCount.textContent = ''; updateState(); return; }
    decodeTexts();
    if (texts && !textsLower) textsLower = texts.map((t) => t.toLowerCase());
    const hits = new Uint8Array(n);
    const catHit = fields.map((f) => f.categories.map((c) => c.toLowerCase().includes(s)));
    let count = 0;
    for (let i = 0; i < n; i++) {
      let hit = textsLower ? textsLower[i].includes(s) : false;
      for (let k = 0; !hit && k < fields.length; k++) hit = catHit[k][fields[k].codes[i]];
      if (hit && visible(i)) { hits[i] = 1; count++; }
    }
    searchHits = hits;
    searchCount.textContent = `${fmt(count)} match${count === 1 ? '' : 'es'}`;
    updateState();
  }
  search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, n > 200000 ? 250 : 80); });

  // Lasso: with the lasso tool on (or Shift held), a drag draws a loop; the points inside are selected.
  const lassoButton = byId('lasso');
  let lassoMode = false;
  lassoButton.onclick = () => { lassoMode = !lassoMode; lassoButton.classList.toggle('on', lassoMode); };
  function finishLasso(poly) {
    const world = poly.map(([x, y]) => toWorld(x, y));
    let xa = Infinity, ya = Infinity, xb = -Infinity, yb = -Infinity;
    for (const [x, y] of world) { xa = Math.min(xa, x); xb = Math.max(xb, x); ya = Math.min(ya, y); yb = Math.max(yb, y); }
    const sel = new Uint8Array(n);
    let count = 0;
    forCells(xa, ya, xb, yb, (i) => {
      if (!visible(i)) return;
      let inside = false;  // even-odd rule
      for (let a = 0, b = world.length - 1; a < world.length; b = a++) {
        const [ax, ay] = world[a], [bx, by] = world[b];
        if ((ay > wy[i]) !== (by > wy[i]) && wx[i] < (bx - ax) * (wy[i] - ay) / (by - ay) + ax) inside = !inside;
      }
      if (inside) { sel[i] = 1; count++; }
    });
    selection = count ? sel : null;
    updateState();
    showInfo();
  }

  byId('fit').onclick = () => { Object.assign(target, { cx: 0, cy: 0, zoom: 1 }); requestRender(); };
  byId('zoom-in').onclick = () => { target.zoom = clamp(target.zoom * 2, 0.5, 5000); requestRender(); };
  byId('zoom-out').onclick = () => { target.zoom = clamp(target.zoom / 2, 0.5, 5000); requestRender(); };

  // ---------------------------------------------------------------- pointer input
  let drag = null;
  const pos = (e) => { const r = mapEl.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  mapEl.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [sx, sy] = pos(e);
    const [ax, ay] = toWorld(sx, sy);
    const z = clamp(target.zoom * Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), 0.5, 5000);
    // Keep the world point under the cursor where it is once the zoom arrives.
    const kz = z * base();
    target.cx = ax - (sx - midX()) / kz;
    target.cy = ay - (H / 2 - sy) / kz;
    target.zoom = z;
    requestRender();
  }, { passive: false });
  mapEl.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    mapEl.setPointerCapture(e.pointerId);
    const p = pos(e);
    drag = { start: p, last: p, moved: false, lasso: lassoMode || e.shiftKey };
    if (drag.lasso) lasso = [p];
  });
  mapEl.addEventListener('pointermove', (e) => {
    const p = pos(e);
    if (drag) {
      if (Math.abs(p[0] - drag.start[0]) + Math.abs(p[1] - drag.start[1]) > 3) drag.moved = true;
      if (drag.lasso) lasso.push(p);
      else if (drag.moved) {
        const k = view.zoom * base();
        view.cx -= (p[0] - drag.last[0]) / k; view.cy += (p[1] - drag.last[1]) / k;
        target.cx = view.cx; target.cy = view.cy;
      }
      drag.last = p;
      hover = -1;
      showTooltip(-1);
      requestRender();
      return;
    }
    const i = pick(p[0], p[1], Math.max(8, pointSize()));
    if (i !== hover) { hover = i; requestRender(); }
    showTooltip(i, p[0], p[1]);
  });
  mapEl.addEventListener('pointerup', (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.lasso) {
      const poly = lasso;
      lasso = null;
      if (d.moved && poly.length > 2) finishLasso(poly);
      requestRender();
      return;
    }
    if (!d.moved) {
      const p = pos(e);
      const i = pick(p[0], p[1], Math.max(8, pointSize()));
      setFocus(i, i >= 0 ? -2 : focusQuery);
    }
  });
  mapEl.addEventListener('pointerleave', () => { hover = -1; showTooltip(-1); requestRender(); });
  mapEl.addEventListener('dblclick', (e) => {
    const [sx, sy] = pos(e);
    const [ax, ay] = toWorld(sx, sy);
    target.cx = ax; target.cy = ay; target.zoom = clamp(target.zoom * 2, 0.5, 5000);
    requestRender();
  });
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { selection = null; lasso = null; setFocus(-1, -2); }
  });

  function resize() {
    const r = mapEl.getBoundingClientRect();
    dpr = window.devicePixelRatio || 1;
    W = Math.max(1, r.width); H = Math.max(1, r.height);
    for (const c of [canvas, overlay]) { c.width = Math.round(W * dpr); c.height = Math.round(H * dpr); }
    requestRender();
  }
  window.addEventListener('resize', resize);

  // Text decoding and the picking grid wait until the first frame is on screen.
  function afterFirstFrame() {
    decodeTexts();
    if (!grid) buildGrid();
    api.ready = true;
  }

  // A small read-only API for scripts and tests.
  const api = {
    n, ready: false,
    get renderer() { return renderer.name; },
    get firstRenderMs() { return firstRenderMs; },
    get colorField() { return colorField; },
    /** Screen position (CSS pixels, page coordinates) of point i. */
    screenPosition(i) { const r = mapEl.getBoundingClientRect(), [x, y] = toScreen(wx[i], wy[i]); return { x: x + r.left, y: y + r.top }; },
    /** Ids of points in a state: 'match', 'neighbor', 'focus', 'dim'. */
    pointsIn(name) { const s = STATE[name], out = []; for (let i = 0; i < n; i++) if (state[i] === s) out.push(i); return out; },
    neighbors,
    /** Number of non-background pixels after a fresh draw: a blank map gives 0. */
    inkedPixels() { return renderer.inked(); },
  };
  window.vspaceMap = api;

  fillColors();
  showLegend();
  if (queries.length) { focusQuery = -1; updateState(); showInfo(); }
  resize();
})();
)vspacejs";

}  // namespace vspace::detail
/// @endcond
