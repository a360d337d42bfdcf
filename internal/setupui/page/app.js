// The setup page: each source's live preview, state and recent results;
// the region of interest drawn by dragging on the preview; symbologies.
// Everything goes through scanctl setup's proxy to the daemon's socket.
"use strict";

const frameInterval = 500; // ms between preview frames: about 2 a second
const keptResults = 10;

const cards = new Map(); // source name → card state
let setup = null; // GET /v1/setup
let preview = { enabled: false };

function $(root, sel) { return root.querySelector(sel); }

function showError(msg) {
  const el = document.getElementById("error");
  el.textContent = msg;
  el.hidden = !msg;
}

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const resp = await fetch(path, opts);
  if (!resp.ok) {
    let msg = resp.status + " " + resp.statusText;
    try { msg = (await resp.json()).error.message; } catch (e) { /* not JSON */ }
    const err = new Error(msg);
    err.status = resp.status;
    throw err;
  }
  return resp;
}

function regionText(card) {
  const r = card.region;
  if (!r || r.length !== 4) return "Region: the whole frame";
  return "Region: x " + r[0] + ", y " + r[1] + ", " + r[2] + " × " + r[3] + " pixels";
}

// drawRegion places the region's outline over the image, in displayed
// pixels.
function drawRegion(card) {
  const roi = $(card.el, ".roi");
  const img = $(card.el, ".preview");
  $(card.el, ".region-text").textContent = regionText(card);
  const r = card.region;
  if (!r || r.length !== 4 || !card.width || !img.getAttribute("src")) {
    roi.hidden = true;
    return;
  }
  const k = img.clientWidth / card.width;
  roi.style.left = r[0] * k + "px";
  roi.style.top = r[1] * k + "px";
  roi.style.width = r[2] * k + "px";
  roi.style.height = r[3] * k + "px";
  roi.hidden = false;
}

// framePoint converts a pointer position to frame pixels, inside the frame.
function framePoint(card, ev) {
  const img = $(card.el, ".preview");
  const box = img.getBoundingClientRect();
  const k = card.width / box.width;
  const x = Math.round((ev.clientX - box.left) * k);
  const y = Math.round((ev.clientY - box.top) * k);
  return [Math.min(Math.max(x, 0), card.width), Math.min(Math.max(y, 0), card.height)];
}

function attachDrag(card) {
  const frame = $(card.el, ".frame");
  let start = null;
  frame.addEventListener("pointerdown", (ev) => {
    if (!card.width || !$(card.el, ".preview").getAttribute("src")) return;
    start = framePoint(card, ev);
    frame.setPointerCapture(ev.pointerId);
    ev.preventDefault();
  });
  frame.addEventListener("pointermove", (ev) => {
    if (!start) return;
    const p = framePoint(card, ev);
    const x = Math.min(start[0], p[0]), y = Math.min(start[1], p[1]);
    card.region = [x, y, Math.abs(p[0] - start[0]), Math.abs(p[1] - start[1])];
    drawRegion(card);
  });
  const end = () => {
    if (!start) return;
    start = null;
    if (card.region && (card.region[2] < 8 || card.region[3] < 8)) card.region = []; // a click, not a drag
    card.dirty = true;
    drawRegion(card);
  };
  frame.addEventListener("pointerup", end);
  frame.addEventListener("pointercancel", end);
}

function fillSymbologies(card, src) {
  const list = $(card.el, ".symbology-list");
  list.textContent = "";
  for (const name of setup.symbologies) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = name;
    box.checked = src.symbologies.includes(name);
    box.addEventListener("change", () => { card.dirty = true; });
    label.append(box, " " + name);
    list.append(label);
  }
}

function newCard(src) {
  const el = document.getElementById("source-card").content.firstElementChild.cloneNode(true);
  el.dataset.source = src.source;
  $(el, ".name").textContent = src.source;
  const card = { el, name: src.source, region: src.region, width: src.width, height: src.height, dirty: false, running: false };
  attachDrag(card);
  fillSymbologies(card, src);
  $(el, ".whole").addEventListener("click", () => { card.region = []; card.dirty = true; drawRegion(card); });
  $(el, ".save").addEventListener("click", () => save(card));
  new ResizeObserver(() => drawRegion(card)).observe($(el, ".frame"));
  document.getElementById("sources").append(el);
  cards.set(src.source, card);
  drawRegion(card);
  return card;
}

async function save(card) {
  const saved = $(card.el, ".saved");
  const symbologies = [...card.el.querySelectorAll(".symbology-list input:checked")].map((b) => b.value);
  if (symbologies.length === 0) {
    // The daemon reads an empty list as the default set: say so rather
    // than save what the installer did not mean.
    saved.className = "saved failed";
    saved.textContent = "Tick at least one symbology.";
    return;
  }
  saved.className = "saved";
  saved.textContent = "Saving…";
  try {
    const resp = await api("PUT", "/v1/setup", { source: card.name, region: card.region || [], symbologies });
    setup = await resp.json();
    const src = setup.sources.find((s) => s.source === card.name);
    card.region = src.region;
    card.dirty = false;
    drawRegion(card);
    saved.textContent = "Saved and applied (" + setup.file + ").";
  } catch (e) {
    saved.className = "saved failed";
    saved.textContent = "Not saved: " + e.message;
  }
}

// previewLoop shows frames of one source while the preview is on.
async function previewLoop(card) {
  if (card.running) return;
  card.running = true;
  const img = $(card.el, ".preview");
  const note = $(card.el, ".frame-note");
  while (preview.enabled) {
    const started = Date.now();
    try {
      const resp = await api("GET", "/v1/preview/frame?source=" + encodeURIComponent(card.name));
      const blob = await resp.blob();
      const url = URL.createObjectURL(blob);
      await new Promise((resolve) => { img.onload = resolve; img.onerror = resolve; img.src = url; });
      if (card.url) URL.revokeObjectURL(card.url);
      card.url = url;
      card.width = img.naturalWidth;
      card.height = img.naturalHeight;
      note.hidden = true;
      drawRegion(card);
    } catch (e) {
      if (e.status === 409) { setPreview({ enabled: false }); break; }
      note.hidden = false;
      note.textContent = e.message;
    }
    await new Promise((r) => setTimeout(r, Math.max(frameInterval - (Date.now() - started), 100)));
  }
  card.running = false;
}

function setPreview(st) {
  preview = st;
  const el = document.getElementById("preview-state");
  if (st.enabled) {
    el.textContent = "Preview on until " + new Date(st.until).toLocaleTimeString();
    for (const card of cards.values()) previewLoop(card);
  } else {
    el.textContent = "Preview off" + (st.stop_reason ? " (" + st.stop_reason + ")" : "");
    for (const card of cards.values()) {
      const img = $(card.el, ".preview");
      img.removeAttribute("src");
      if (card.url) { URL.revokeObjectURL(card.url); card.url = null; }
      const note = $(card.el, ".frame-note");
      note.hidden = false;
      note.textContent = "Switch the preview on to see this camera.";
      drawRegion(card);
    }
  }
}

function showSource(st) {
  const card = cards.get(st.name);
  if (card) $(card.el, ".state").textContent = st.state + ", " + st.fps.toFixed(1) + " fps";
}

function addResult(r) {
  const card = cards.get(r.source);
  if (!card) return;
  const li = document.createElement("li");
  li.textContent = new Date(r.decoded_at).toLocaleTimeString() + " " + r.symbology + " " + r.text;
  const list = $(card.el, ".results");
  list.prepend(li);
  while (list.children.length > keptResults) list.lastChild.remove();
}

async function refreshStatus() {
  try {
    const st = await (await api("GET", "/v1/status")).json();
    for (const s of st.sources || []) showSource(s);
    if (st.preview.enabled !== preview.enabled) setPreview(st.preview);
  } catch (e) {
    showError("The daemon: " + e.message);
  }
}

function listen() {
  const events = new EventSource("/v1/events");
  events.addEventListener("result", (ev) => addResult(JSON.parse(ev.data)));
  events.addEventListener("source", (ev) => showSource(JSON.parse(ev.data)));
  events.addEventListener("preview", (ev) => setPreview(JSON.parse(ev.data)));
}

async function start() {
  try {
    setup = await (await api("GET", "/v1/setup")).json();
    for (const src of setup.sources) newCard(src);
    setPreview(await (await api("GET", "/v1/preview")).json());
  } catch (e) {
    showError("The daemon: " + e.message);
    return;
  }
  document.getElementById("preview-on").addEventListener("click", async () => {
    try {
      setPreview(await (await api("PUT", "/v1/preview", { enabled: true, duration: "10m" })).json());
    } catch (e) { showError(e.message); }
  });
  document.getElementById("preview-off").addEventListener("click", async () => {
    try {
      setPreview(await (await api("PUT", "/v1/preview", { enabled: false })).json());
    } catch (e) { showError(e.message); }
  });
  listen();
  refreshStatus();
  setInterval(refreshStatus, 2000);
}

start();
