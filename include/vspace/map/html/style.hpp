// SPDX-License-Identifier: MIT
/// @file
/// @cond detail
/// The stylesheet and the static markup of the interactive HTML map (see script.hpp for the
/// behaviour). The markup holds no user data: html.hpp fills it in through the JSON block and
/// the script sets it with textContent.
#pragma once

#include <string_view>

namespace vspace::detail {

inline constexpr std::string_view map_style = R"vspacecss(
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; overflow: hidden; background: #fff;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1f; }
#map { position: fixed; inset: 0; cursor: crosshair; touch-action: none; }
#map canvas { position: absolute; inset: 0; width: 100%; height: 100%; }
#labels { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.label { position: absolute; left: 0; top: 0; white-space: nowrap; font-weight: 650; color: #1b1b1f;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 5px #fff; letter-spacing: 0.01em; }
#tooltip { position: absolute; max-width: 360px; padding: 7px 9px; background: rgba(255, 255, 255, 0.97);
  border: 1px solid #ccd; border-radius: 6px; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.15); pointer-events: none;
  white-space: pre-wrap; overflow-wrap: anywhere; }
#tooltip .text, #info .text { font-weight: 600; margin-bottom: 3px; white-space: pre-wrap; overflow-wrap: anywhere; }
.field { display: flex; align-items: center; gap: 4px; }
.key, .id, .count, .sub, .more { color: #666; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; flex: none; }
#panel { position: fixed; top: 10px; left: 10px; width: 290px; max-height: calc(100% - 20px); display: flex;
  flex-direction: column; gap: 8px; padding: 10px; background: rgba(255, 255, 255, 0.94); border: 1px solid #dde;
  border-radius: 8px; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.08); overflow: hidden; }
#panel h1 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
#search { width: 100%; padding: 5px 7px; border: 1px solid #bbc; border-radius: 5px; font: inherit; }
#search-count { color: #666; font-size: 12px; }
#color-row { display: flex; align-items: center; gap: 6px; }
#color-by { flex: 1; font: inherit; }
#legend { overflow-y: auto; min-height: 0; flex: 0 1 auto; }
#legend .entry { display: flex; align-items: center; gap: 6px; width: 100%; padding: 2px 4px; border: 0;
  background: none; font: inherit; text-align: left; cursor: pointer; border-radius: 4px; }
#legend .entry:hover { background: #eef1f7; }
#legend .entry.off { opacity: 0.35; }
#legend .entry.all { color: #2850c8; }
#legend .name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#info { overflow-y: auto; min-height: 0; flex: 1 1 auto; border-top: 1px solid #e4e4ea; padding-top: 8px; }
#info .head { display: flex; justify-content: space-between; align-items: center; margin: 4px 0; }
#info .close { border: 0; background: none; font-size: 16px; cursor: pointer; color: #666; }
ol.points { margin: 4px 0 8px; padding-left: 0; list-style: none; }
ol.points li { padding: 2px 4px; cursor: pointer; border-radius: 4px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
ol.points li:hover { background: #eef1f7; }
ol.points .id { display: inline-block; min-width: 4em; }
textarea.ids { width: 100%; height: 90px; font: 12px ui-monospace, monospace; }
.buttons { display: flex; gap: 6px; }
button { font: inherit; }
#tools { position: fixed; right: 10px; top: 10px; display: flex; flex-direction: column; gap: 4px; }
#tools button { min-width: 44px; padding: 4px 8px; border: 1px solid #ccd; border-radius: 5px; background: #fff; cursor: pointer; }
#tools button.on { background: #2850c8; color: #fff; border-color: #2850c8; }
#status { position: fixed; right: 10px; bottom: 6px; color: #777; font-size: 11px; pointer-events: none; }
[hidden] { display: none !important; }
)vspacecss";

inline constexpr std::string_view map_body = R"vspacehtml(
<div id="map"><canvas id="points"></canvas><canvas id="overlay"></canvas><div id="labels"></div><div id="tooltip" role="tooltip" hidden></div></div>
<aside id="panel">
<h1 id="title"></h1>
<div id="search-row"><input id="search" type="search" placeholder="Search text and labels" aria-label="Search text and labels" autocomplete="off"> <span id="search-count"></span></div>
<div id="color-row"><label for="color-by">Colour by</label><select id="color-by"></select></div>
<div id="legend"></div>
<div id="info" hidden></div>
</aside>
<div id="tools"><button id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button><button id="zoom-out" title="Zoom out" aria-label="Zoom out">&#8722;</button><button id="fit" title="Show the whole map">Fit</button><button id="lasso" title="Lasso: drag a loop to select points (or hold Shift and drag)">Lasso</button></div>
<div id="status"></div>
<noscript><p style="position:fixed;top:40%;width:100%;text-align:center">This map needs JavaScript.</p></noscript>
)vspacehtml";

}  // namespace vspace::detail
/// @endcond
