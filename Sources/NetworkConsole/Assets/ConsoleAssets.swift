/// The console's page, script and style, compiled into the agent (nothing is fetched at run time).
///
/// Served by the console's HTTP server: `html` at `./`, `script` at `./console.js`, `style` at `./console.css`,
/// under `Content-Security-Policy: default-src 'self'; img-src 'self' data:; style-src 'self'` (so: no inline
/// script, handler or style attribute here). The script polls `api/console/state` (relative, so the page works
/// under any path prefix) and builds the page from its JSON with text nodes only, never markup.
enum ConsoleAssets {
    static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Skupper network</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="console.css">
        <script src="console.js" defer></script>
        </head>
        <body>
        <header id="page-header">
          <h1>Skupper network</h1>
          <div id="site-identity">
            <span class="label">site</span> <strong id="site-name">—</strong>
            <span class="label">namespace</span> <strong id="site-namespace">—</strong>
          </div>
          <span id="agent-badge" class="badge unknown" title="Agent health">waiting</span>
          <span id="last-update">Not updated yet</span>
        </header>
        <div id="connection-banner" role="alert" hidden>The agent does not answer (retrying)</div>
        <main>
          <section id="topology">
            <h2>Topology</h2>
            <div class="topology-frame">
              <svg id="topology-svg" viewBox="0 0 1000 420" preserveAspectRatio="xMidYMid meet" role="img" aria-label="Sites and links of the network"><text x="500" y="210" text-anchor="middle" class="topology-empty">Waiting for the agent…</text></svg>
            </div>
            <div class="topology-footer">
              <ul class="legend">
                <li><svg class="legend-mark" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true"><circle cx="10" cy="10" r="6.5" fill="#f59f00" stroke="#8a4b00" stroke-width="3"></circle></svg>local site</li>
                <li><svg class="legend-mark" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true"><circle cx="10" cy="10" r="7" fill="#4c84e0" stroke="#23539f" stroke-width="1.5"></circle></svg>site</li>
                <li><svg class="legend-mark" viewBox="0 0 28 20" width="28" height="20" aria-hidden="true"><line x1="2" y1="10" x2="26" y2="10" stroke="#2e8540" stroke-width="2.5"></line></svg>link up</li>
                <li><svg class="legend-mark" viewBox="0 0 28 20" width="28" height="20" aria-hidden="true"><line x1="2" y1="10" x2="26" y2="10" stroke="#d32f2f" stroke-width="2.5" stroke-dasharray="5 3"></line></svg>link down</li>
              </ul>
              <span id="topology-summary"></span>
            </div>
          </section>

          <section id="sites">
            <h2>Sites</h2>
            <div class="table-wrap">
              <table id="sites-table">
                <thead><tr>
                  <th>Name</th><th>Id</th><th>Platform</th><th>Version</th><th>Mode</th><th>Links</th><th class="num">Listeners</th><th class="num">Connectors</th>
                </tr></thead>
                <tbody><tr class="empty"><td colspan="8">Waiting for the agent…</td></tr></tbody>
              </table>
            </div>
          </section>

          <section id="services">
            <h2>Services</h2>
            <div class="table-wrap">
              <table id="services-table">
                <thead><tr>
                  <th>Routing key</th><th>Listeners</th><th>Connectors</th><th>Matched</th><th class="num">Open</th><th class="num">Total</th><th class="num">Bytes out</th><th class="num">Bytes in</th><th>Traffic</th>
                </tr></thead>
                <tbody><tr class="empty"><td colspan="9">Waiting for the agent…</td></tr></tbody>
              </table>
            </div>
          </section>

          <section id="connections">
            <h2>Connections</h2>
            <div class="table-wrap">
              <table id="connections-table">
                <thead><tr>
                  <th>Service</th><th>Client</th><th>Server</th><th>Sites</th><th class="num">Bytes out</th><th class="num">Bytes in</th><th class="num">Latency</th><th class="num">Duration</th><th>State</th>
                </tr></thead>
                <tbody><tr class="empty"><td colspan="9">Waiting for the agent…</td></tr></tbody>
              </table>
            </div>
          </section>

          <section id="health">
            <h2>This agent</h2>
            <dl id="agent-facts"></dl>
            <h3>Resources</h3>
            <div class="table-wrap">
              <table id="resources-table">
                <thead><tr><th>Kind</th><th>Name</th><th>Status</th><th>Message</th></tr></thead>
                <tbody><tr class="empty"><td colspan="4">Waiting for the agent…</td></tr></tbody>
              </table>
            </div>
            <h3>Input errors</h3>
            <div id="input-errors"><p class="empty-note">Waiting for the agent…</p></div>
          </section>
        </main>
        </body>
        </html>
        """#

    static let script = #"""
        // Skupper network console: polls api/console/state and draws what it says.
        // Everything from the network is put into the page as text (textContent, attributes), never as markup.
        "use strict";
        (function () {
          const POLL_INTERVAL_MS = 1000;
          const REQUEST_TIMEOUT_MS = 5000;
          const STATE_URL = "api/console/state";
          const SVG_NS = "http://www.w3.org/2000/svg";
          const DASH = "\u2014";
          const ARROW = "\u2192";

          const COLORS = {
            siteFill: "#4c84e0", siteStroke: "#23539f",
            localFill: "#f59f00", localStroke: "#8a4b00",
            up: "#2e8540", down: "#d32f2f",
            spark: "#3b6fc4", sparkFill: "#dce7f8"
          };

          let lastEtag = null;
          let els = null;

          // ---------- small, forgiving value helpers ----------

          function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
          function obj(v) { return isObject(v) ? v : {}; }
          function list(v) { return Array.isArray(v) ? v.filter(isObject) : []; }
          function str(v) {
            if (typeof v === "string") return v;
            if (typeof v === "number" && Number.isFinite(v)) return String(v);
            return "";
          }
          function show(v) { const s = str(v); return s === "" ? DASH : s; }
          function isNum(v) {
            if (typeof v === "number") return Number.isFinite(v);
            if (typeof v === "string" && v.trim() !== "") return Number.isFinite(Number(v));
            return false;
          }
          function num(v) { return isNum(v) ? Number(v) : 0; }
          function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }
          function shortId(v) { const s = str(v); return s.length > 8 ? s.slice(0, 8) : s; }
          // Shortens in the middle: names often differ only at their end ("dc-frankfurt-rack-12").
          function truncate(s, n) {
            if (s.length <= n) return s;
            const keep = Math.max(2, n - 1);
            const head = Math.ceil(keep / 2);
            return s.slice(0, head) + "\u2026" + s.slice(s.length - (keep - head));
          }
          function compareText(a, b) { return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" }) || (a < b ? -1 : a > b ? 1 : 0); }

          function hostPort(host, port) {
            let h = str(host);
            const p = str(port);
            if (h === "" && p === "") return DASH;
            if (h.indexOf(":") >= 0 && h.charAt(0) !== "[") h = "[" + h + "]";
            return (h || DASH) + ":" + (p || DASH);
          }

          function formatBytes(v) {
            const n = Math.max(0, num(v));
            if (n < 1024) return Math.round(n) + " B";
            const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
            let x = n / 1024;
            let i = 0;
            while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
            return (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + " " + units[i];
          }
          function exact(v) { return Math.round(num(v)).toLocaleString("en-US"); }
          function exactBytes(v) { return exact(v) + " bytes"; }

          function formatLatency(v) {
            if (!isNum(v)) return DASH;
            return (Number(v) / 1000).toFixed(2) + " ms";
          }

          function formatDuration(us) {
            if (!Number.isFinite(us) || us < 0) return DASH;
            const s = us / 1e6;
            if (s < 60) return s.toFixed(1) + " s";
            const t = Math.floor(s);
            if (t < 3600) return Math.floor(t / 60) + " min " + (t % 60) + " s";
            if (t < 86400) return Math.floor(t / 3600) + " h " + Math.floor((t % 3600) / 60) + " min";
            return Math.floor(t / 86400) + " d " + Math.floor((t % 86400) / 3600) + " h";
          }

          function clock(date) {
            const p = function (x) { return (x < 10 ? "0" : "") + x; };
            return p(date.getHours()) + ":" + p(date.getMinutes()) + ":" + p(date.getSeconds());
          }

          // ---------- DOM helpers ----------

          function append(parent, children) {
            if (children === undefined || children === null || children === false) return;
            if (Array.isArray(children)) { children.forEach(function (c) { append(parent, c); }); return; }
            if (typeof children === "string" || typeof children === "number") {
              parent.appendChild(document.createTextNode(String(children)));
              return;
            }
            parent.appendChild(children);
          }

          // el("td", {class: "num", title: "..."}, children): attributes are set with setAttribute (never "style").
          function el(tag, attrs, children) {
            const e = document.createElement(tag);
            setAttrs(e, attrs);
            append(e, children);
            return e;
          }
          function svg(tag, attrs, children) {
            const e = document.createElementNS(SVG_NS, tag);
            setAttrs(e, attrs);
            append(e, children);
            return e;
          }
          function setAttrs(e, attrs) {
            if (!attrs) return;
            Object.keys(attrs).forEach(function (k) {
              const v = attrs[k];
              if (v === undefined || v === null || v === false || k === "style") return;
              e.setAttribute(k, String(v));
            });
          }
          function svgTitle(text) { return svg("title", null, text); }

          function emptyRow(columns, message) {
            return el("tr", { class: "empty" }, el("td", { colspan: columns }, message));
          }

          function lines(items, cls) {
            if (items.length === 0) return DASH;
            return items.map(function (t) { return el("div", { class: cls || "line" }, t); });
          }

          // ---------- the data, made safe to use ----------

          function context(data) {
            const d = obj(data);
            const sites = list(d.sites).slice().sort(compareSites);
            const byId = new Map();
            const byName = new Map();
            sites.forEach(function (s, i) {
              const id = str(s.id), name = str(s.name);
              if (id !== "" && !byId.has(id)) byId.set(id, i);
              if (name !== "" && !byName.has(name)) byName.set(name, i);
            });
            const localSite = sites.find(function (s) { return s.local === true; }) || null;
            let now = isNum(d.now) ? Number(d.now) : Date.now() * 1000;
            return { d: d, agent: obj(d.agent), sites: sites, byId: byId, byName: byName, localSite: localSite, now: now };
          }

          function compareSites(a, b) {
            const la = a.local === true ? 0 : 1, lb = b.local === true ? 0 : 1;
            if (la !== lb) return la - lb;
            return compareText(str(a.name), str(b.name)) || compareText(str(a.id), str(b.id));
          }

          function siteIndex(ctx, id, name) {
            const i = str(id), n = str(name);
            if (i !== "" && ctx.byId.has(i)) return ctx.byId.get(i);
            if (i === "" && n !== "" && ctx.byName.has(n)) return ctx.byName.get(n);
            return -1;
          }

          function siteName(ctx, id, name) {
            const n = str(name);
            if (n !== "") return n;
            const i = siteIndex(ctx, id, "");
            if (i >= 0 && str(ctx.sites[i].name) !== "") return str(ctx.sites[i].name);
            return shortId(id) || DASH;
          }

          function linkStatus(link) { return str(link.status).toLowerCase() === "up" ? "up" : "down"; }

          // ---------- header ----------

          function renderHeader(ctx) {
            const a = ctx.agent;
            const local = ctx.localSite || {};
            const name = str(a.siteName) || str(local.name);
            const ns = str(a.namespace) || str(local.namespace);
            els.siteName.textContent = name || DASH;
            els.siteNamespace.textContent = ns || DASH;
            document.title = name ? "Skupper network \u2014 " + name : "Skupper network";

            const router = obj(a.router);
            const state = str(router.state) || "unknown";
            const ready = a.ready === true ? "ready" : a.ready === false ? "starting" : "unknown";
            let tone = "ok";
            if (/^(failed|stopped|error|crashed|dead)$/i.test(state)) tone = "bad";
            else if (ready !== "ready" || state.toLowerCase() !== "running") tone = "warn";
            els.badge.className = "badge " + tone;
            els.badge.textContent = ready + " \u00b7 router " + state;
            els.badge.title = "Agent " + ready + "; router " + state + (str(router.message) ? ": " + str(router.message) : "");
          }

          // ---------- topology ----------

          // Points spaced evenly (by arc length) on an ellipse, starting at angle `start`, clockwise on screen.
          function ellipsePoints(n, cx, cy, rx, ry, start) {
            const STEPS = 720;
            const at = function (t) { return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)]; };
            const cum = [0];
            let prev = at(start);
            for (let i = 1; i <= STEPS; i++) {
              const p = at(start + 2 * Math.PI * i / STEPS);
              cum.push(cum[i - 1] + Math.hypot(p[0] - prev[0], p[1] - prev[1]));
              prev = p;
            }
            const total = cum[STEPS];
            const points = [];
            let j = 0;
            for (let k = 0; k < n; k++) {
              const target = total * k / n;
              while (j < STEPS - 1 && cum[j + 1] < target) j++;
              const seg = cum[j + 1] - cum[j];
              const f = seg > 0 ? clamp((target - cum[j]) / seg, 0, 1) : 0;
              const t = start + 2 * Math.PI * (j + f) / STEPS;
              const c = Math.cos(t), s = Math.sin(t);
              let nx = c / rx, ny = s / ry;
              const len = Math.hypot(nx, ny) || 1;
              points.push({ x: cx + rx * c, y: cy + ry * s, nx: nx / len, ny: ny / len });
            }
            return { points: points, perimeter: total };
          }

          function layoutSites(sites) {
            const n = sites.length;
            if (n === 1) {
              return { points: [{ x: 500, y: 190, nx: 0, ny: 1 }], r: 30, font: 16, mode: "below", maxChars: 40, labels: "all" };
            }
            if (n <= 16) {
              // Few sites: horizontal labels under the circles.
              const e = ellipsePoints(n, 500, 195, 380, 140, n === 2 ? Math.PI : -Math.PI / 2);
              const size = n <= 6 ? 0 : n <= 10 ? 1 : 2;
              return { points: e.points, r: [26, 20, 16][size], font: [15, 13, 12][size], mode: "below", maxChars: [26, 18, 13][size], labels: "all" };
            }
            // Many sites: labels turned outwards, as long as neighbours leave room for them; else only the local site's label.
            const font = n <= 24 ? 12 : n <= 60 ? 11 : 10;
            const names = sites.filter(function (s) { return s.local !== true; }).map(function (s) { return (str(s.name) || shortId(s.id)).length; });
            names.sort(function (a, b) { return a - b; });
            // Room for most names (the longest tenth get shortened; the full name is in the tooltip).
            const longest = names.length ? names[names.length - 1] : 0;
            const maxChars = clamp(names.length ? names[Math.floor(0.9 * (names.length - 1))] : 0, Math.min(10, longest), 16);
            const ring = function (labelChars) {
              const margin = 18 + 8 + labelChars * font * 0.6 + 6;
              const rx = Math.max(200, 500 - margin), ry = Math.max(90, 210 - margin);
              return ellipsePoints(n, 500, 210, rx, ry, -Math.PI / 2);
            };
            let e = ring(maxChars);
            let labels = "all";
            if (e.perimeter / n < font * 1.2) {
              labels = "local";
              e = ring(0);
            }
            const r = clamp(e.perimeter / n * 0.3, 3.5, 11);
            return { points: e.points, r: r, font: font, mode: "radial", maxChars: maxChars, labels: labels };
          }

          function renderTopology(ctx) {
            const root = els.topology;
            const frag = document.createDocumentFragment();
            const sites = ctx.sites;
            const n = sites.length;

            let linkCount = 0, downCount = 0;
            sites.forEach(function (s) {
              list(s.links).forEach(function (l) { linkCount++; if (linkStatus(l) !== "up") downCount++; });
            });
            els.topologySummary.textContent = n + (n === 1 ? " site, " : " sites, ") + linkCount + (linkCount === 1 ? " link" : " links") +
              (downCount > 0 ? " (" + downCount + " down)" : "");

            if (n === 0) {
              frag.appendChild(svg("text", { x: 500, y: 210, class: "topology-empty", "text-anchor": "middle" }, "No sites yet."));
              root.replaceChildren(frag);
              return;
            }

            const L = layoutSites(sites);
            const r = L.r;
            const localR = r * 1.25;
            const radiusOf = function (i) { return sites[i].local === true ? localR : r; };
            const arrows = n <= 40;
            const edgeWidth = n <= 12 ? 2.5 : n <= 40 ? 2 : 1.3;

            // Arrowheads whose tips stop at the edge of the target circle.
            if (arrows) {
              const a = clamp(r * 0.55, 6, 11);
              const defs = svg("defs");
              ["up", "down"].forEach(function (status) {
                [["site", r + 1.5], ["local", localR + Math.max(2.5, localR * 0.22) / 2 + 1]].forEach(function (target) {
                  defs.appendChild(svg("marker", {
                    id: "arrow-" + status + "-" + target[0], viewBox: "0 0 10 10", markerUnits: "userSpaceOnUse",
                    markerWidth: a, markerHeight: a, refX: (10 + 10 * target[1] / a).toFixed(2), refY: 5, orient: "auto"
                  }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: COLORS[status] })));
                });
              });
              frag.appendChild(defs);
            }

            // Links: one line per link record, pairs of sites with several links get parallel offset lines.
            const edges = [];
            const pairCount = new Map();
            sites.forEach(function (s, from) {
              list(s.links).forEach(function (l) {
                const to = siteIndex(ctx, l.remoteSiteId, l.remoteSiteName);
                if (to < 0 || to === from) return;
                const key = Math.min(from, to) + "/" + Math.max(from, to);
                const k = pairCount.get(key) || 0;
                pairCount.set(key, k + 1);
                edges.push({ from: from, to: to, link: l, key: key, slot: k });
              });
            });
            const edgeLayer = svg("g", { class: "edges" });
            const costLayer = svg("g", { class: "costs" });
            const showCost = linkCount < 30;
            const gap = clamp(r * 0.45, 3, 8);
            edges.forEach(function (e) {
              const pa = L.points[e.from], pb = L.points[e.to];
              // Offset perpendicular to the pair's canonical direction so both directions separate.
              const lo = L.points[Math.min(e.from, e.to)], hi = L.points[Math.max(e.from, e.to)];
              const dx = hi.x - lo.x, dy = hi.y - lo.y;
              const len = Math.hypot(dx, dy) || 1;
              const px = -dy / len, py = dx / len;
              const count = pairCount.get(e.key);
              const off = (e.slot - (count - 1) / 2) * gap;
              const x1 = pa.x + px * off, y1 = pa.y + py * off, x2 = pb.x + px * off, y2 = pb.y + py * off;
              const status = linkStatus(e.link);
              const fromSite = sites[e.from], toSite = sites[e.to];
              const cost = isNum(e.link.cost) ? Number(e.link.cost) : null;
              const line = svg("line", {
                class: "link-edge " + status,
                "data-link-name": str(e.link.name),
                "data-from": str(fromSite.id),
                "data-to": str(toSite.id),
                x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1),
                stroke: COLORS[status], "stroke-width": edgeWidth,
                "stroke-dasharray": status === "up" ? null : (n <= 40 ? "7 5" : "4 3"),
                "marker-end": arrows ? "url(#arrow-" + status + "-" + (toSite.local === true ? "local" : "site") + ")" : null
              }, svgTitle(show(e.link.name) + ": " + siteName(ctx, fromSite.id, fromSite.name) + " " + ARROW + " " +
                siteName(ctx, toSite.id, toSite.name) + " (" + (str(e.link.status) || "unknown") + ")" + (cost === null ? "" : ", cost " + cost)));
              edgeLayer.appendChild(line);
              if (showCost && cost !== null) {
                // Beside its own line when the pair has several, so the labels do not sit on each other.
                const side = count > 1 ? (off >= 0 ? 1 : -1) * (Math.abs(off) + 7) - off : 0;
                const mx = (x1 + x2) / 2 + px * side, my = (y1 + y2) / 2 + py * side;
                costLayer.appendChild(svg("text", {
                  class: "link-cost", x: mx.toFixed(1), y: my.toFixed(1),
                  "text-anchor": "middle", "dominant-baseline": "central"
                }, String(cost)));
              }
            });
            frag.appendChild(edgeLayer);
            frag.appendChild(costLayer);

            // Sites, drawn over the links.
            const nodeLayer = svg("g", { class: "nodes" });
            sites.forEach(function (s, i) {
              const p = L.points[i];
              const local = s.local === true;
              const rr = radiusOf(i);
              const name = str(s.name) || shortId(s.id) || "?";
              const tip = [show(s.name) + (local ? " (this site)" : ""),
                "platform: " + show(s.platform), "version: " + show(s.version), "mode: " + show(s.mode),
                "namespace: " + show(s.namespace), "id: " + show(s.id)].join("\n");
              const g = svg("g", { class: "site-node" + (local ? " local" : ""), "data-site-id": str(s.id) }, svgTitle(tip));
              g.appendChild(svg("circle", {
                cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: rr.toFixed(1),
                fill: local ? COLORS.localFill : COLORS.siteFill,
                stroke: local ? COLORS.localStroke : COLORS.siteStroke,
                "stroke-width": (local ? Math.max(2.5, rr * 0.22) : Math.max(1, rr * 0.07)).toFixed(1)
              }));
              const label = truncate(name, local && L.mode === "radial" ? 24 : L.maxChars);
              if (L.mode === "below") {
                g.appendChild(svg("text", {
                  class: "site-label", x: p.x.toFixed(1), y: (p.y + rr + L.font + 3).toFixed(1),
                  "text-anchor": "middle", "font-size": L.font
                }, label));
              } else if (local) {
                // The local site's label stays horizontal, just inside the ring.
                g.appendChild(svg("text", {
                  class: "site-label", x: (p.x - p.nx * (rr + 5)).toFixed(1), y: (p.y - p.ny * (rr + 5)).toFixed(1),
                  "text-anchor": "middle", "dominant-baseline": p.ny < 0 ? "hanging" : "auto", "font-size": L.font + 1
                }, label));
              } else if (L.labels === "all") {
                const ax = p.x + p.nx * (rr + 4), ay = p.y + p.ny * (rr + 4);
                let deg = Math.atan2(p.ny, p.nx) * 180 / Math.PI;
                let anchor = "start";
                if (p.nx < -1e-6) { deg += 180; anchor = "end"; }
                g.appendChild(svg("text", {
                  class: "site-label", x: ax.toFixed(1), y: ay.toFixed(1), "text-anchor": anchor, "dominant-baseline": "central",
                  "font-size": L.font, transform: "rotate(" + deg.toFixed(1) + " " + ax.toFixed(1) + " " + ay.toFixed(1) + ")"
                }, label));
              }
              nodeLayer.appendChild(g);
            });
            frag.appendChild(nodeLayer);
            root.replaceChildren(frag);
          }

          // ---------- sites ----------

          function renderSites(ctx) {
            const sites = ctx.sites;
            els.sitesHeading.textContent = "Sites (" + sites.length + ")";
            const frag = document.createDocumentFragment();
            if (sites.length === 0) frag.appendChild(emptyRow(8, "No sites yet."));
            sites.forEach(function (s) {
              const local = s.local === true;
              const links = list(s.links);
              const listeners = list(s.listeners);
              const connectors = list(s.connectors);
              const names = function (items) {
                return items.map(function (x) { return show(x.name) + (str(x.routingKey) ? " (" + str(x.routingKey) + ")" : ""); }).join(", ");
              };
              const linkLines = links.length === 0 ? DASH : links.map(function (l) {
                const status = linkStatus(l);
                return el("div", { class: "link-line " + status, title: isNum(l.cost) ? "cost " + Number(l.cost) : null },
                  show(l.name) + " " + ARROW + " " + siteName(ctx, l.remoteSiteId, l.remoteSiteName) + " (" + (str(l.status) || "unknown") + ")");
              });
              frag.appendChild(el("tr", { "data-site-id": str(s.id), class: local ? "local" : null }, [
                el("td", { class: "name" }, [show(s.name), local ? el("span", { class: "tag" }, "this site") : null]),
                el("td", { class: "mono", title: str(s.id) || null }, shortId(s.id) || DASH),
                el("td", null, show(s.platform)),
                el("td", null, show(s.version)),
                el("td", null, show(s.mode)),
                el("td", { class: "links" }, linkLines),
                el("td", { class: "num", title: names(listeners) || null }, String(listeners.length)),
                el("td", { class: "num", title: names(connectors) || null }, String(connectors.length))
              ]));
            });
            els.sitesBody.replaceChildren(frag);
          }

          // ---------- services ----------

          function sparkline(history) {
            const values = list(history).map(function (h) { return Math.max(0, num(h.octets)); });
            if (values.length === 0) return null;
            const W = 80, H = 20;
            const max = Math.max.apply(null, values);
            const pts = (values.length === 1 ? [values[0], values[0]] : values).map(function (v, i, all) {
              const x = 1 + (W - 2) * i / (all.length - 1);
              const y = H - 1.5 - (max > 0 ? (H - 3) * v / max : 0);
              return x.toFixed(1) + "," + y.toFixed(1);
            });
            const total = values.reduce(function (a, b) { return a + b; }, 0);
            const area = "1," + (H - 1) + " " + pts.join(" ") + " " + (W - 1) + "," + (H - 1);
            return svg("svg", { class: "sparkline", width: W, height: H, viewBox: "0 0 " + W + " " + H, "aria-hidden": "true" }, [
              svgTitle(formatBytes(total) + " in the last " + values.length * 10 + " s (peak " + formatBytes(max) + " per 10 s)"),
              svg("polygon", { points: area, fill: COLORS.sparkFill, stroke: "none" }),
              svg("polyline", { points: pts.join(" "), fill: "none", stroke: COLORS.spark, "stroke-width": 1.5, "stroke-linejoin": "round" })
            ]);
          }

          function renderServices(ctx) {
            const services = list(ctx.d.services).slice().sort(function (a, b) {
              return compareText(str(a.routingKey), str(b.routingKey));
            });
            els.servicesHeading.textContent = "Services (" + services.length + ")";
            const frag = document.createDocumentFragment();
            if (services.length === 0) frag.appendChild(emptyRow(9, "No services yet."));
            services.forEach(function (svc) {
              const listeners = list(svc.listeners);
              const connectors = list(svc.connectors);
              const matched = typeof svc.matched === "boolean" ? svc.matched : (listeners.length > 0 && connectors.length > 0);
              let matchCell;
              if (matched) {
                matchCell = el("span", { class: "ok" }, "yes");
              } else {
                const missing = [];
                if (listeners.length === 0) missing.push("no listener");
                if (connectors.length === 0) missing.push("no connector");
                matchCell = el("span", { class: "warn warn-text" }, missing.length ? missing.join(", ") : "not matched");
              }
              const endpoint = function (x) { return siteName(ctx, x.siteId, x.siteName) + ": " + hostPort(x.host, x.port); };
              const endpointTitle = function (items) { return items.map(function (x) { return show(x.name); }).join(", ") || null; };
              frag.appendChild(el("tr", { "data-routing-key": str(svc.routingKey), class: matched ? null : "unmatched" }, [
                el("td", { class: "name", title: str(svc.protocol) ? "protocol " + str(svc.protocol) : null }, show(svc.routingKey)),
                el("td", { class: "endpoints", title: endpointTitle(listeners) }, lines(listeners.map(endpoint))),
                el("td", { class: "endpoints", title: endpointTitle(connectors) }, lines(connectors.map(endpoint))),
                el("td", null, matchCell),
                el("td", { class: "num" }, String(num(svc.openConnections))),
                el("td", { class: "num" }, String(num(svc.totalConnections))),
                el("td", { class: "num", title: exactBytes(svc.octets) }, formatBytes(svc.octets)),
                el("td", { class: "num", title: exactBytes(svc.octetsReverse) }, formatBytes(svc.octetsReverse)),
                el("td", { class: "spark" }, sparkline(svc.history))
              ]));
            });
            els.servicesBody.replaceChildren(frag);
          }

          // ---------- connections ----------

          function renderConnections(ctx) {
            const conns = list(ctx.d.connections);
            const held = isNum(ctx.d.connectionsHeld) ? Math.max(conns.length, Number(ctx.d.connectionsHeld)) : conns.length;
            els.connectionsHeading.textContent = "Connections (showing " + conns.length + " of " + held + ")";
            const frag = document.createDocumentFragment();
            if (conns.length === 0) frag.appendChild(emptyRow(9, "No connections yet."));
            conns.forEach(function (c) {
              const open = typeof c.open === "boolean" ? c.open : !(num(c.endTime) > 0);
              const start = num(c.startTime);
              const end = open ? ctx.now : num(c.endTime);
              const duration = start > 0 && end > 0 ? formatDuration(end - start) : DASH;
              const from = siteName(ctx, c.sourceSiteId, c.sourceSiteName);
              const to = siteName(ctx, c.destSiteId, c.destSiteName);
              frag.appendChild(el("tr", { "data-connection-id": str(c.id), class: open ? "open" : "closed" }, [
                el("td", { class: "name", title: str(c.id) ? "connection " + str(c.id) : null }, show(c.routingKey)),
                el("td", { class: "mono" }, hostPort(c.sourceHost, c.sourcePort)),
                el("td", { class: "mono" }, hostPort(c.destHost, c.destPort)),
                el("td", null, from + " " + ARROW + " " + to),
                el("td", { class: "num", title: exactBytes(c.octets) }, formatBytes(c.octets)),
                el("td", { class: "num", title: exactBytes(c.octetsReverse) }, formatBytes(c.octetsReverse)),
                el("td", { class: "num" }, formatLatency(c.latency)),
                el("td", { class: "num" }, duration),
                el("td", null, el("span", { class: "state " + (open ? "open" : "closed") }, open ? "open" : "closed"))
              ]));
            });
            els.connectionsBody.replaceChildren(frag);
          }

          // ---------- this agent ----------

          function renderHealth(ctx) {
            const a = ctx.agent;
            const local = ctx.localSite || {};
            const router = obj(a.router);
            const state = str(router.state) || "unknown";
            const facts = document.createDocumentFragment();
            const fact = function (label, value, cls) {
              facts.appendChild(el("dt", null, label));
              facts.appendChild(el("dd", { class: cls || null }, value));
            };
            const routerTone = state.toLowerCase() === "running" ? "ok" : /^(failed|stopped|error|crashed|dead)$/i.test(state) ? "bad" : "warn";
            fact("Router", [el("span", { id: "router-state", class: "state-text " + routerTone }, state),
              str(router.message) ? el("span", { id: "router-message", class: "message" }, str(router.message)) : null]);
            fact("Ready", el("span", { id: "agent-ready", class: "state-text " + (a.ready === true ? "ok" : "warn") },
              a.ready === true ? "yes" : a.ready === false ? "no (starting)" : DASH));
            fact("Site", show(str(a.siteName) || str(local.name)));
            fact("Namespace", show(str(a.namespace) || str(local.namespace)));
            fact("Site id", show(str(a.siteId) || str(local.id)), "mono");
            fact("Platform", show(str(a.platform) || str(local.platform)));
            fact("Version", show(str(a.version) || str(local.version)));
            els.agentFacts.replaceChildren(facts);

            const resources = list(a.resources);
            const rows = document.createDocumentFragment();
            if (resources.length === 0) rows.appendChild(emptyRow(4, "No resources."));
            resources.forEach(function (r) {
              const status = str(r.status);
              const ready = status.toLowerCase() === "ready";
              const tone = ready ? "ok" : /error|fail/i.test(status) ? "bad" : "warn";
              rows.appendChild(el("tr", { class: ready ? null : "not-ready" + (tone === "bad" ? " failed" : "") }, [
                el("td", null, show(r.kind)),
                el("td", { class: "name" }, show(r.name)),
                el("td", null, el("span", { class: "state-text " + tone }, show(r.status))),
                el("td", { class: "message" }, show(r.message))
              ]));
            });
            els.resourcesBody.replaceChildren(rows);

            const errors = list(a.inputErrors);
            if (errors.length === 0) {
              els.inputErrors.replaceChildren(el("p", { class: "empty-note" }, "No input errors."));
            } else {
              els.inputErrors.replaceChildren(el("ul", { class: "error-list" }, errors.map(function (e) {
                return el("li", null, [el("span", { class: "file" }, show(e.file)), ": ", el("span", { class: "message" }, show(e.message))]);
              })));
            }
          }

          // ---------- polling ----------

          function safely(name, fn, ctx) {
            try { fn(ctx); } catch (err) { console.error("console: could not draw " + name, err); }
          }

          function render(data) {
            let ctx;
            try { ctx = context(data); } catch (err) { console.error("console: bad state", err); ctx = context({}); }
            safely("header", renderHeader, ctx);
            safely("topology", renderTopology, ctx);
            safely("sites", renderSites, ctx);
            safely("services", renderServices, ctx);
            safely("connections", renderConnections, ctx);
            safely("health", renderHealth, ctx);
            els.lastUpdate.textContent = "Updated " + clock(new Date());
            document.body.dataset.version = str(ctx.d.version);
            // When the first data was on screen (the next frame after it was rendered): what the bench measures.
            if (!window.consoleFirstPaint) requestAnimationFrame(() => { window.consoleFirstPaint = window.consoleFirstPaint || performance.now(); });
          }

          function setConnected(ok) {
            els.banner.hidden = ok;
            document.body.classList.toggle("disconnected", !ok);
          }

          async function poll() {
            const controller = typeof AbortController === "function" ? new AbortController() : null;
            const timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
            try {
              const headers = {};
              if (lastEtag) headers["If-None-Match"] = lastEtag;
              const response = await fetch(STATE_URL, { cache: "no-store", headers: headers, signal: controller ? controller.signal : undefined });
              if (response.status === 304) {
                setConnected(true);
              } else if (response.status === 200) {
                const data = await response.json();
                lastEtag = response.headers.get("ETag") || null;
                window.consoleState = data;
                setConnected(true);
                render(data);
              } else {
                setConnected(false);
              }
            } catch (err) {
              setConnected(false);
            } finally {
              if (timer !== null) clearTimeout(timer);
              setTimeout(poll, POLL_INTERVAL_MS);
            }
          }

          function start() {
            const q = function (sel) { return document.querySelector(sel); };
            els = {
              banner: q("#connection-banner"),
              badge: q("#agent-badge"),
              siteName: q("#site-name"),
              siteNamespace: q("#site-namespace"),
              lastUpdate: q("#last-update"),
              topology: q("#topology-svg"),
              topologySummary: q("#topology-summary"),
              sitesHeading: q("#sites h2"),
              sitesBody: q("#sites-table tbody"),
              servicesHeading: q("#services h2"),
              servicesBody: q("#services-table tbody"),
              connectionsHeading: q("#connections h2"),
              connectionsBody: q("#connections-table tbody"),
              agentFacts: q("#agent-facts"),
              resourcesBody: q("#resources-table tbody"),
              inputErrors: q("#input-errors")
            };
            poll();
          }

          if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
          else start();
        })();
        """#

    static let style = #"""
        :root {
          --bg: #f3f4f6;
          --card: #ffffff;
          --text: #1f2328;
          --muted: #5f6b7a;
          --line: #dde1e6;
          --zebra: #f7f8fa;
          --ok: #2e7d32;
          --warn: #a15c00;
          --bad: #c62828;
          --accent: #23539f;
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        html { background: var(--bg); }
        body {
          margin: 0;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
          font-size: 14px;
          line-height: 1.4;
          color: var(--text);
          background: var(--bg);
        }
        .mono, code { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }

        #page-header {
          display: flex;
          flex-wrap: wrap;
          align-items: baseline;
          gap: 6px 18px;
          padding: 12px 20px;
          background: var(--card);
          border-bottom: 1px solid var(--line);
        }
        #page-header h1 { margin: 0; font-size: 20px; font-weight: 650; }
        #site-identity { color: var(--text); }
        #site-identity .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; margin-left: 6px; }
        #site-identity strong { font-weight: 600; overflow-wrap: anywhere; }
        #last-update { margin-left: auto; color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
        body.disconnected #last-update { color: var(--bad); }

        .badge {
          display: inline-block;
          padding: 1px 10px;
          border-radius: 999px;
          font-size: 12.5px;
          font-weight: 600;
          border: 1px solid transparent;
          white-space: nowrap;
        }
        .badge.ok { background: #e6f4ea; color: var(--ok); border-color: #b7dfc0; }
        .badge.warn { background: #fff4e0; color: var(--warn); border-color: #f2d29b; }
        .badge.bad { background: #fdecea; color: var(--bad); border-color: #f5b5b0; }
        .badge.unknown { background: #eef0f3; color: var(--muted); border-color: var(--line); }

        #connection-banner {
          position: sticky;
          top: 0;
          z-index: 10;
          padding: 8px 20px;
          background: #fdecea;
          color: #8e1b1b;
          border-bottom: 1px solid #f5b5b0;
          font-weight: 600;
        }

        main {
          max-width: 1500px;
          margin: 0 auto;
          padding: 14px 20px 40px;
          display: grid;
          gap: 14px;
          grid-template-columns: minmax(0, 1fr);
        }
        section {
          background: var(--card);
          border: 1px solid var(--line);
          border-radius: 8px;
          padding: 10px 14px 12px;
          min-width: 0;
        }
        h2 { margin: 0 0 8px; font-size: 16px; font-weight: 650; }
        h3 { margin: 14px 0 6px; font-size: 13.5px; font-weight: 650; color: var(--muted); }

        /* Topology */
        .topology-frame { width: 100%; overflow-x: auto; }
        #topology-svg {
          display: block;
          width: 100%;
          height: auto;
          max-height: 420px;
          min-width: 560px;
          margin: 0 auto;
        }
        #topology-svg .site-label {
          fill: #1f2328;
          font-family: system-ui, sans-serif;
          paint-order: stroke;
          stroke: #ffffff;
          stroke-width: 3px;
          stroke-linejoin: round;
          pointer-events: none;
        }
        #topology-svg .site-node.local .site-label { font-weight: 700; }
        #topology-svg .site-node { cursor: default; }
        #topology-svg .site-node:hover circle { stroke: #111111; }
        #topology-svg .link-edge:hover { stroke-width: 4px; }
        #topology-svg .link-cost {
          font-size: 11px;
          fill: #333333;
          paint-order: stroke;
          stroke: #ffffff;
          stroke-width: 3px;
          stroke-linejoin: round;
        }
        #topology-svg .topology-empty { font-size: 16px; fill: var(--muted); }
        .topology-footer {
          display: flex;
          flex-wrap: wrap;
          align-items: center;
          gap: 4px 20px;
          margin-top: 4px;
          font-size: 12.5px;
          color: var(--muted);
        }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0; padding: 0; list-style: none; }
        .legend li { display: inline-flex; align-items: center; gap: 5px; }
        .legend-mark { flex: none; }
        #topology-summary { margin-left: auto; font-variant-numeric: tabular-nums; }

        /* Tables */
        .table-wrap { width: 100%; overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; }
        th, td { padding: 4px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
        th { font-weight: 600; color: var(--muted); font-size: 12px; white-space: nowrap; background: #fafbfc; border-bottom: 1px solid #c9cfd6; }
        td { white-space: nowrap; }
        td.message, td.links { white-space: normal; min-width: 14em; }
        td.message { max-width: 40em; overflow-wrap: anywhere; }
        tbody tr:nth-child(even) { background: var(--zebra); }
        tbody tr:hover { background: #eef3fb; }
        th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.name { font-weight: 600; }
        td.spark { padding-top: 2px; padding-bottom: 0; }
        .sparkline { display: block; }
        tr.empty td { color: var(--muted); font-style: italic; text-align: left; background: var(--card); }
        .line + .line, .link-line + .link-line { margin-top: 1px; }

        .tag {
          display: inline-block;
          margin-left: 6px;
          padding: 0 6px;
          border-radius: 4px;
          background: #fff1d6;
          color: #8a4b00;
          border: 1px solid #f2d29b;
          font-size: 11px;
          font-weight: 600;
          vertical-align: 1px;
        }
        tr.local td.name { color: #8a4b00; }
        .link-line.up { color: var(--ok); }
        .link-line.down { color: var(--bad); font-weight: 600; }

        .ok { color: var(--ok); }
        .warn { color: var(--warn); font-weight: 600; }
        .warn-text::before { content: "\26A0\FE0E  "; }
        .bad { color: var(--bad); font-weight: 600; }
        tr.unmatched td { background: #fff8ea; }
        span.state.open { color: var(--ok); font-weight: 600; }
        span.state.closed { color: var(--muted); }
        tr.closed td { color: #4b5563; }

        /* This agent */
        #agent-facts {
          display: grid;
          grid-template-columns: max-content minmax(0, 1fr);
          gap: 3px 16px;
          margin: 0;
        }
        #agent-facts dt { color: var(--muted); }
        #agent-facts dd { margin: 0; overflow-wrap: anywhere; }
        .state-text { font-weight: 600; }
        #router-message { margin-left: 10px; color: var(--text); font-weight: normal; }
        tr.not-ready td { background: #fff4e0; }
        tr.not-ready.failed td { background: #fdecea; }
        .empty-note { margin: 0; color: var(--muted); font-style: italic; }
        .error-list { margin: 0; padding-left: 20px; }
        .error-list li { color: var(--bad); overflow-wrap: anywhere; }
        .error-list .file { font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
        .error-list .message { color: var(--text); }

        @media (max-width: 700px) {
          #page-header { padding: 10px 12px; }
          main { padding: 10px 8px 30px; }
          section { padding: 8px 10px; }
          #last-update { margin-left: 0; }
        }
        """#
}
