// Tocsin console. Every piece of feed content is put in the page with textContent or
// createTextNode, never as markup, so a hostile headline shows as text.
"use strict";

const TOKEN_KEY = "tocsin.token";
const state = { token: null, streamAbort: null, retry: 1000 };
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + state.token }, options.headers || {});
  if (options.body && !headers["Content-Type"]) headers["Content-Type"] = "application/json";
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) { logout("Your token was refused; log in again."); throw new Error("unauthorised"); }
  return response;
}

// ---- countries -----------------------------------------------------------------------
const regionNames = (typeof Intl !== "undefined" && Intl.DisplayNames)
  ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

function countryName(code) {
  try { return (regionNames && regionNames.of(code)) || code; } catch (e) { return code; }
}

// ---- time ----------------------------------------------------------------------------
function age(iso) {
  if (!iso) return "";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return Math.floor(seconds) + " s ago";
  if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
  if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
  return Math.floor(seconds / 86400) + " d ago";
}

// ---- links ---------------------------------------------------------------------------
function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (e) { return null; }
}

// Server-Sent Events read through fetch, so the token travels in a header, not in the URL.
// Each event is one alert (a story as one subscription saw it); the desk views reload the
// story it belongs to (see desk.js, storyArrived).
function setLive(on) {
  const badge = $("live");
  badge.className = "live " + (on ? "on" : "off");
  badge.textContent = on ? "live" : "offline";
}

async function openStream() {
  if (state.streamAbort) state.streamAbort.abort();
  const abort = new AbortController();
  state.streamAbort = abort;
  try {
    const response = await api("/v1/stream", { signal: abort.signal, headers: { Accept: "text/event-stream" } });
    if (!response.ok || !response.body) throw new Error("stream refused: " + response.status);
    setLive(true);
    state.retry = 1000;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        handleEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  } catch (e) {
    if (abort.signal.aborted) return;
  }
  setLive(false);
  if (state.token && !abort.signal.aborted) {
    setTimeout(openStream, state.retry);
    state.retry = Math.min(state.retry * 2, 30000);
  }
}

function handleEvent(block) {
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("data:")) data += line.slice(5).trimStart();
  }
  if (!data) return;
  storyArrived(JSON.parse(data));
}

// ---- detections (visible without any subscription) ------------------------------------
async function loadDetections() {
  const list = $("detection-list");
  const response = await api("/v1/detections?limit=50");
  if (!response.ok) { $("detections-empty").textContent = "Detections cannot be read right now."; return; }
  const items = await response.json();
  list.replaceChildren();
  for (const d of items) {
    const li = el("li", "alert");
    const head = el("div", "alert-head");
    head.appendChild(el("strong", null, d.pattern));
    head.appendChild(el("span", "muted", " " + (d.countries || []).map(countryName).join(", ") + " " + age(d.observed_at)));
    li.appendChild(head);
    li.appendChild(el("blockquote", null, d.sentence));
    const from = el("div", "muted");
    if (d.url) { const a = el("a", null, d.title || d.url); a.href = d.url; a.rel = "noopener"; from.appendChild(a); }
    else from.textContent = d.title;
    from.appendChild(document.createTextNode(" · " + d.source_id));
    li.appendChild(from);
    list.appendChild(li);
  }
  $("detections-empty").hidden = items.length > 0;
}

// ---- sources -------------------------------------------------------------------------
function cell(row, text, className) { const td = el("td", className, text); row.appendChild(td); return td; }

async function loadSources() {
  const body = $("source-table").querySelector("tbody");
  body.replaceChildren();
  $("sources-error").textContent = "";
  const response = await api("/v1/sources");
  if (!response.ok) {
    $("sources-error").textContent = response.status === 403 ? "Sources are managed with an admin token." : "Could not load sources.";
    return;
  }
  const sources = await response.json();
  const unreachable = sources.filter((s) => (s.status || {}).health === "unreachable").length;
  $("sources-summary").textContent = unreachable
    ? unreachable + "/" + sources.length + " sources unreachable" + (unreachable * 2 >= sources.length ? " — no network?" : "")
    : "";
  for (const source of sources) {
    const status = source.status || {};
    const row = el("tr");
    cell(row, source.id);
    cell(row, source.kind);
    cell(row, status.health || "unknown", "health-" + (status.health || "unknown"));
    cell(row, status.last_success_at ? age(status.last_success_at) : "never");
    cell(row, status.error || "");  // only while not ok: no stale error beside "ok"
    cell(row, status.items_last_hour ?? "");
    cell(row, status.next_poll_at || "");
    body.appendChild(row);
  }
}

// ---- subscriptions -------------------------------------------------------------------
function listOf(text) { return text.split(",").map((s) => s.trim()).filter(Boolean); }

async function loadSubscriptions() {
  const body = $("subscription-table").querySelector("tbody");
  body.replaceChildren();
  const response = await api("/v1/subscriptions");
  if (!response.ok) { $("subscriptions-error").textContent = "Could not load subscriptions."; return; }
  for (const sub of await response.json()) {
    const row = el("tr");
    cell(row, sub.id);
    cell(row, (sub.patterns || []).join(", ") || "any");
    cell(row, (sub.countries || []).join(", ") || "any");
    cell(row, sub.webhook ? sub.webhook.url : "");
    const actions = cell(row, "");
    const test = el("button", null, "Test");
    test.type = "button";
    test.addEventListener("click", async () => {
      const r = await api("/v1/subscriptions/" + encodeURIComponent(sub.id) + "/test", { method: "POST" });
      const result = await r.json();
      $("subscriptions-error").textContent = r.ok
        ? (result.delivered ? "Test delivered (" + result.status_code + ")" : "Test failed: " + result.error)
        : "Test refused: " + JSON.stringify(result.detail);
    });
    const remove = el("button", null, "Delete");
    remove.type = "button";
    remove.addEventListener("click", async () => {
      await api("/v1/subscriptions/" + encodeURIComponent(sub.id), { method: "DELETE" });
      loadSubscriptions();
    });
    if (sub.webhook) actions.appendChild(test);
    if (sub.origin === "config") actions.appendChild(el("span", "muted", " config file"));
    else actions.appendChild(remove);
    body.appendChild(row);
  }
}

async function createSubscription(event) {
  event.preventDefault();
  const url = $("sub-url").value.trim();
  const payload = { patterns: listOf($("sub-patterns").value), countries: listOf($("sub-countries").value) };
  if (url) payload.webhook = { url };
  const response = await api("/v1/subscriptions", { method: "POST", body: JSON.stringify(payload) });
  const result = await response.json();
  if (!response.ok) { $("subscriptions-error").textContent = JSON.stringify(result.detail); return; }
  $("subscriptions-error").textContent = "";
  const box = $("secret-box");
  box.hidden = !result.secret;
  box.textContent = result.secret ? "Signing secret for " + result.id + " (shown once): " + result.secret : "";
  event.target.reset();
  loadSubscriptions();
}

// ---- pages and log-in ----------------------------------------------------------------
const PAGES = ["stories", "story", "map", "timeline", "deliveries", "sources", "subscriptions"];

function show(page, argument) {
  for (const section of document.querySelectorAll(".page")) section.hidden = section.id !== page;
  const current = page === "story" ? "stories" : page;
  for (const link of document.querySelectorAll("#nav a")) {
    const on = link.dataset.page === current;
    link.classList.toggle("current", on);
    if (on) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  if (page === "sources") loadSources();
  if (page === "subscriptions") loadSubscriptions();
  if (page === "stories") { loadStories(); loadDetections(); }
  if (page === "story") loadStory(argument);
  if (page === "map") loadMap();
  if (page === "timeline") loadTimeline();
  if (page === "deliveries") loadDeliveries();
}

function route() {
  if (!state.token) { show("login"); return; }
  // "#story/<id>" and "#/story/<id>" (the webhook's console_url) are the same page.
  const [page, ...rest] = (location.hash || "#stories").slice(1).replace(/^\//, "").split("/");
  const argument = rest.length ? decodeURIComponent(rest.join("/")) : null;
  show(PAGES.includes(page) ? page : "stories", argument);
}

async function start(token) {
  state.token = token;
  const response = await fetch("/v1/whoami", { headers: { Authorization: "Bearer " + token } });
  if (!response.ok) { state.token = null; return false; }
  const me = await response.json();
  localStorage.setItem(TOKEN_KEY, token);
  $("who").textContent = "tenant " + me.tenant + (me.admin ? " (admin)" : "");
  $("nav").hidden = false;
  $("logout").hidden = false;
  route();
  openStream();
  refreshFailedCount();
  return true;
}

function logout(message) {
  state.token = null;
  localStorage.removeItem(TOKEN_KEY);
  if (state.streamAbort) state.streamAbort.abort();
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  setLive(false);
  $("login-error").textContent = message || "";
  show("login");
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const ok = await start($("token").value.trim());
    if (!ok) $("login-error").textContent = "That token was not accepted.";
  });
  $("logout").addEventListener("click", () => logout());
  $("subscription-form").addEventListener("submit", createSubscription);
  installDesk();
  window.addEventListener("hashchange", route);
  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) start(saved).then((ok) => { if (!ok) logout(); });
  else show("login");
});
