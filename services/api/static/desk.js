// Tocsin desk views: stories (one card per story), the story page, the map, the timeline and
// failed deliveries. Feed content only ever goes in as text (el, createTextNode).
"use strict";

const desk = { cursor: null, patterns: new Set(), countries: new Set(), world: null, reload: null, ticket: 0 };
const SEVERITY_WORDS = { alert: "Alert", urgent: "Urgent", flash: "Flash" };
const STATE_WORDS = { delivered: "delivered", pending: "queued", retrying: "retrying", dead: "failed (dead-lettered)",
                      silenced: "silenced" };
const COUNTED_WORDS = { origin: "independent", copy: "copy", state_media: "state media of the acting government" };

function patternName(pattern) { return (pattern || "event").replace(/_/g, " "); }

// Names, not flag emoji: many desktops (and headless browsers) have no flag glyphs.
function countryLabel(code) { return countryName(code); }

function sinceDays(days) {
  return days ? new Date(Date.now() - Number(days) * 86400000).toISOString() : null;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return search.toString();
}

// ---- a sentence with triggers, actor and target marked --------------------------------
function markedSentence(item, className) {
  const sentence = item.sentence || "";
  const out = el("p", className || "evidence");
  const marks = [];
  const lower = sentence.toLowerCase();
  const add = (word, kind) => {
    if (!word || !word.trim()) return;
    const at = lower.indexOf(word.toLowerCase());
    if (at !== -1) marks.push({ at, end: at + word.length, kind });
  };
  add(item.actor, "actor");
  add(item.target, "target");
  for (const trigger of item.triggers || []) add(trigger, "trigger");
  marks.sort((a, b) => a.at - b.at || (b.end - b.at) - (a.end - a.at));
  let at = 0;
  for (const mark of marks) {
    if (mark.at < at) continue;  // overlaps an earlier mark
    if (mark.at > at) out.appendChild(document.createTextNode(sentence.slice(at, mark.at)));
    const node = el("mark", mark.kind, sentence.slice(mark.at, mark.end));
    node.title = mark.kind === "trigger" ? "matched word" : mark.kind;
    out.appendChild(node);
    at = mark.end;
  }
  if (at < sentence.length) out.appendChild(document.createTextNode(sentence.slice(at)));
  return out;
}

function link(url, text) {
  const href = url ? safeHref(url) : null;
  if (!href) return el("span", null, text);
  const a = el("a", null, text);
  a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
  return a;
}

function severityBadge(story) {
  const badge = el("span", "severity " + story.severity, SEVERITY_WORDS[story.severity] || story.severity);
  return badge;
}

function countries(story) {
  const box = el("span", "countries");
  for (const code of story.countries || []) {
    const chip = el("span", "country", countryLabel(code));
    chip.title = code;
    box.appendChild(chip);
  }
  return box;
}

function deliveryChips(story) {
  const box = el("div", "sent");
  box.appendChild(el("span", "muted", "Sent to "));
  for (const sub of story.subscriptions || []) {
    const chip = el("span", "chip state-" + sub.state, sub.subscription_id + ": " + (STATE_WORDS[sub.state] || sub.state));
    if (sub.last_error) chip.title = sub.last_error;
    box.appendChild(chip);
  }
  return box;
}

// ---- stories -------------------------------------------------------------------------
function storyCard(story) {
  const item = el("li", "story-card " + story.severity);
  item.dataset.id = story.id;
  const top = el("div", "top");
  top.appendChild(severityBadge(story));
  top.appendChild(el("span", "why", story.severity_reason));
  top.appendChild(countries(story));
  const when = el("time", "age", age(story.updated_at));
  when.dateTime = story.updated_at || "";
  when.title = story.updated_at || "";
  top.appendChild(when);
  item.appendChild(top);

  const heading = el("h3", "headline");
  const a = el("a", null, story.headline);
  a.href = "#story/" + encodeURIComponent(story.id);
  heading.appendChild(a);
  item.appendChild(heading);
  if (story.newest) {
    item.appendChild(markedSentence(story.newest));
    const source = el("div", "byline");
    source.appendChild(el("span", null, "Newest: "));
    source.appendChild(link(story.newest.url, story.newest.outlet || "source"));
    if (story.newest.seen_at) source.appendChild(el("span", "muted", " · " + age(story.newest.seen_at)));
    item.appendChild(source);
  }
  item.appendChild(deliveryChips(story));
  return item;
}

function storyFilters() {
  return {
    pattern: $("filter-pattern").value, country: $("filter-country").value, severity: $("filter-severity").value,
    q: $("filter-text").value.trim(), since: sinceDays($("filter-range").value),
  };
}

function learnOptions(stories) {
  for (const story of stories) {
    for (const p of story.patterns || []) if (!desk.patterns.has(p)) {
      desk.patterns.add(p); addOption($("filter-pattern"), p, patternName(p));
    }
    for (const c of story.countries || []) if (!desk.countries.has(c)) {
      desk.countries.add(c); addOption($("filter-country"), c, countryLabel(c));
      addOption($("timeline-country"), c, countryLabel(c));
    }
  }
}

function addOption(select, value, label) {
  if ([...select.options].some((o) => o.value === value)) return;
  const option = el("option", null, label);
  option.value = value;
  select.appendChild(option);
}

async function loadStories(more) {
  // Filters change faster than answers come back: only the newest request may draw the list.
  const ticket = ++desk.ticket;
  const params = Object.assign(storyFilters(), { limit: 50, cursor: more ? desk.cursor : null });
  const response = await api("/v1/stories?" + query(params));
  if (!response.ok || ticket !== desk.ticket) return;
  const page = await response.json();
  if (ticket !== desk.ticket) return;
  learnOptions(page.items);
  const list = $("story-list");
  if (!more) list.replaceChildren();
  for (const story of page.items) list.appendChild(storyCard(story));
  desk.cursor = page.next_cursor;
  $("more").hidden = !page.next_cursor;
  $("stories-empty").hidden = list.children.length > 0;
  $("story-count").textContent = page.total + (page.total === 1 ? " story" : " stories")
    + (list.children.length < page.total ? ", " + list.children.length + " shown" : "");
}

// A live alert: reload what is on screen (debounced: a story reaching many subscriptions
// arrives as many alerts at once).
function storyArrived(alert) {
  for (const p of alert.patterns || []) if (!desk.patterns.has(p)) { desk.patterns.add(p); addOption($("filter-pattern"), p, patternName(p)); }
  clearTimeout(desk.reload);
  desk.reload = setTimeout(() => {
    refreshFailedCount();
    if (!$("stories").hidden) loadStories();
    else if (!$("story").hidden && location.hash.endsWith(encodeURIComponent(alert.story_id))) route();
  }, 300);
}

// ---- the story page ------------------------------------------------------------------
function section(title) {
  const box = el("section", "panel");
  box.appendChild(el("h3", null, title));
  return box;
}

function outletRow(outlet) {
  const row = el("tr");
  const name = el("td");
  name.appendChild(link(outlet.url, outlet.name));
  if (outlet.wire) name.appendChild(el("span", "tag", "wire"));
  row.appendChild(name);
  let how = COUNTED_WORDS[outlet.counted_as] || outlet.counted_as;
  if (outlet.counted_as === "copy" && outlet.copy_of) how = "copy of " + outlet.copy_of + " (counts toward it)";
  row.appendChild(el("td", "counted " + outlet.counted_as, how));
  row.appendChild(el("td", null, outlet.independent ? "yes" : "no"));
  row.appendChild(el("td", "muted", outlet.seen_at ? age(outlet.seen_at) : ""));
  return row;
}

function table(headers) {
  const t = el("table");
  const head = el("tr");
  for (const h of headers) head.appendChild(el("th", null, h));
  const thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
  t.appendChild(el("tbody"));
  return t;
}

async function silence(story, body, label, message) {
  const results = [];
  for (const sub of story.subscriptions) {
    const response = await api("/v1/silences", { method: "POST", body: JSON.stringify(Object.assign(
      { subscription_id: sub.subscription_id, duration: "24h", comment: label }, body)) });
    results.push(response.ok);
  }
  message.textContent = results.every(Boolean)
    ? label + ": silenced for 24 hours on " + results.length + " subscription" + (results.length === 1 ? "" : "s") + "."
    : "Could not silence every subscription (" + results.filter(Boolean).length + " of " + results.length + ").";
}

async function retry(deliveryId, message, after) {
  const response = await api("/v1/deliveries/" + encodeURIComponent(deliveryId) + "/resend", { method: "POST" });
  message.textContent = response.ok ? "Queued again: it goes out within seconds." : "Retry refused (" + response.status + ").";
  if (response.ok && after) setTimeout(after, 1500);
}

function deliveryRows(tbody, deliveries, message, after) {
  for (const d of deliveries) {
    const row = el("tr");
    row.appendChild(el("td", null, d.subscription_id + " · " + d.channel));
    row.appendChild(el("td", "chip state-" + d.status, STATE_WORDS[d.status] || d.status));
    const tries = el("td");
    for (const a of d.attempt_log || []) {
      tries.appendChild(el("div", "attempt " + a.outcome,
        "#" + a.number + " " + (a.status_code ? "HTTP " + a.status_code : a.outcome) + " · "
        + Math.round(a.latency_ms) + " ms" + (a.error ? " · " + a.error : "") + " · " + age(a.started_at)));
    }
    if (!(d.attempt_log || []).length) tries.appendChild(el("span", "muted", "not tried yet"));
    row.appendChild(tries);
    const actions = el("td");
    if (d.status === "dead" || d.status === "retrying") {
      const button = el("button", "retry", "Retry now");
      button.type = "button";
      button.addEventListener("click", () => retry(d.id, message, after));
      actions.appendChild(button);
    }
    row.appendChild(actions);
    tbody.appendChild(row);
  }
}

async function loadStory(storyId) {
  const page = $("story");
  page.replaceChildren(el("p", "muted", "Loading…"));
  const response = await api("/v1/stories/" + encodeURIComponent(storyId || ""));
  if (!response.ok) { page.replaceChildren(el("p", "error", "No such story (or not yours).")); return; }
  const story = await response.json();
  page.replaceChildren();
  const back = el("a", "back", "← All stories"); back.href = "#stories";
  page.appendChild(back);
  const head = el("div", "story-head " + story.severity);
  const top = el("div", "top");
  top.appendChild(severityBadge(story));
  top.appendChild(el("span", "why", story.severity_reason));
  top.appendChild(countries(story));
  head.appendChild(top);
  head.appendChild(el("h2", "headline", story.headline));
  head.appendChild(el("p", "muted", "First seen " + age(story.first_seen_at) + " · last notified " + age(story.updated_at)
    + " · " + story.corroboration + " independent outlet" + (story.corroboration === 1 ? "" : "s")));
  page.appendChild(head);

  const message = el("p", "message"); message.setAttribute("role", "status");
  const actions = el("div", "actions");
  const silenceStory = el("button", null, "Silence this story (24 h)");
  silenceStory.type = "button";
  silenceStory.addEventListener("click", () => silence(story,
    { pattern: story.pattern, actor: story.actor || undefined, country: (story.countries || [])[0] },
    "Story " + story.headline, message));
  actions.appendChild(silenceStory);
  for (const code of story.countries || []) {
    const button = el("button", null, "Silence " + patternName(story.pattern) + " in " + countryName(code) + " (24 h)");
    button.type = "button";
    button.addEventListener("click", () => silence(story, { pattern: story.pattern, country: code },
      patternName(story.pattern) + " in " + countryName(code), message));
    actions.appendChild(button);
  }
  page.appendChild(actions);
  page.appendChild(message);

  const evidence = section("Evidence (" + story.evidence.length + ")");
  const legend = el("p", "legend");
  legend.appendChild(el("mark", "trigger", "matched words")); legend.appendChild(document.createTextNode(" "));
  legend.appendChild(el("mark", "actor", "actor")); legend.appendChild(document.createTextNode(" "));
  legend.appendChild(el("mark", "target", "target"));
  evidence.appendChild(legend);
  const list = el("ol", "evidence-list");
  for (const item of story.evidence) {
    const li = el("li");
    li.appendChild(markedSentence(item));
    const by = el("div", "byline");
    by.appendChild(link(item.url, item.outlet || "source"));
    if (item.seen_at) by.appendChild(el("span", "muted", " · " + new Date(item.seen_at).toUTCString().replace(" GMT", " UTC")));
    if ((item.countries || []).length) by.appendChild(el("span", "muted", " · " + item.countries.map(countryName).join(", ")));
    li.appendChild(by);
    list.appendChild(li);
  }
  evidence.appendChild(list);
  page.appendChild(evidence);

  const outlets = section("Outlets and how they were counted");
  outlets.appendChild(el("p", "muted", "Corroboration counts independent outlets only: a syndicated copy counts toward "
    + "its origin, and the acting government's state media do not confirm its own act."));
  const outletTable = table(["Outlet", "Counted as", "Independent", "Seen"]);
  for (const outlet of story.outlets) outletTable.querySelector("tbody").appendChild(outletRow(outlet));
  outlets.appendChild(outletTable);
  page.appendChild(outlets);

  const deliveries = section("Deliveries");
  deliveries.appendChild(deliveryChips(story));
  const deliveryTable = table(["Subscription · channel", "State", "Attempts", ""]);
  const dmessage = el("p", "message"); dmessage.setAttribute("role", "status");
  deliveryRows(deliveryTable.querySelector("tbody"), story.deliveries, dmessage, () => loadStory(storyId));
  deliveries.appendChild(deliveryTable);
  deliveries.appendChild(dmessage);
  page.appendChild(deliveries);
}

// ---- the map -------------------------------------------------------------------------
const SVG = "http://www.w3.org/2000/svg";
const SHADES = ["#e8eef5", "#b9d0e8", "#7fa9d3", "#3f79b5", "#1d4f8a"];

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function shadeOf(count, max) {
  if (!count) return "#f1f1ee";
  const step = Math.min(SHADES.length - 1, Math.floor((count / max) * (SHADES.length - 1) + 0.0001));
  return SHADES[Math.max(0, step)];
}

async function loadMap() {
  if (!desk.world) {
    const response = await fetch("/static/world-map.json");
    desk.world = await response.json();
  }
  const response = await api("/v1/stories/map?" + query({ since: sinceDays($("map-range").value) }));
  if (!response.ok) return;
  const counts = new Map((await response.json()).countries.map((c) => [c.country, c.stories]));
  const max = Math.max(1, ...counts.values());
  const svg = $("world");
  svg.setAttribute("viewBox", desk.world.viewBox);
  svg.replaceChildren();
  for (const country of desk.world.countries) {
    const n = counts.get(country.id) || 0;
    const path = svgEl("path", { d: country.path, fill: shadeOf(n, max), stroke: "#ffffff", "stroke-width": "0.4",
                                 "data-country": country.id, "data-stories": String(n) });
    const title = svgEl("title");
    title.textContent = country.name + ": " + n + (n === 1 ? " story" : " stories");
    path.appendChild(title);
    if (n) {
      path.classList.add("has-stories");
      path.addEventListener("click", () => {
        $("filter-country").value = country.id;
        if (!$("filter-country").value) { addOption($("filter-country"), country.id, countryLabel(country.id)); $("filter-country").value = country.id; }
        location.hash = "#stories";
      });
    }
    svg.appendChild(path);
  }
  const legend = $("map-legend");
  legend.replaceChildren(el("span", null, "Stories per country: "));
  const steps = [0, ...SHADES.map((_, i) => Math.max(1, Math.round((i / (SHADES.length - 1)) * max)))];
  const seen = new Set();
  for (const value of steps) {
    if (seen.has(value)) continue; seen.add(value);
    const key = el("span", "key");
    const swatch = el("span", "swatch"); swatch.style.background = shadeOf(value, max);
    key.appendChild(swatch); key.appendChild(document.createTextNode(value === 0 ? "none" : String(value)));
    legend.appendChild(key);
  }
  legend.appendChild(el("span", "muted attribution", "Map: @svg-maps/world (CC BY 4.0), shipped with Tocsin."));
  const top = $("map-top");
  top.replaceChildren();
  for (const [code, n] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    const li = el("li");
    const a = el("a", null, countryLabel(code));
    a.href = "#stories";
    a.addEventListener("click", () => { addOption($("filter-country"), code, countryLabel(code)); $("filter-country").value = code; });
    li.appendChild(a);
    li.appendChild(el("span", "muted", " " + n));
    top.appendChild(li);
  }
  if (!counts.size) top.appendChild(el("li", "muted", "No stories in this range."));
}

// ---- the timeline --------------------------------------------------------------------
const PATTERN_COLOURS = ["#3f79b5", "#c77700", "#c0262d", "#2e8b57", "#7b4fa0", "#6b6b6b", "#b5527f"];

async function loadTimeline() {
  const country = $("timeline-country").value;
  const response = await api("/v1/stories/timeline?" + query({ country, days: 30 }));
  if (!response.ok) return;
  const data = await response.json();
  const svg = $("timeline-chart");
  const width = 1000, height = 300, left = 40, bottom = 40, top = 10;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const totals = new Map();
  for (const point of data.points) totals.set(point.day, (totals.get(point.day) || 0) + point.stories);
  const max = Math.max(1, ...totals.values());
  const plotHeight = height - bottom - top;
  const barWidth = (width - left) / data.days.length;
  const colour = (pattern) => PATTERN_COLOURS[data.patterns.indexOf(pattern) % PATTERN_COLOURS.length];
  for (let tick = 0; tick <= max; tick += Math.max(1, Math.ceil(max / 4))) {
    const y = top + plotHeight - (tick / max) * plotHeight;
    svg.appendChild(svgEl("line", { x1: left, x2: width, y1: y, y2: y, stroke: "#ddd" }));
    const label = svgEl("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": "12", fill: "#555" });
    label.textContent = String(tick);
    svg.appendChild(label);
  }
  data.days.forEach((day, index) => {
    let y = top + plotHeight;
    for (const point of data.points.filter((p) => p.day === day)) {
      const h = (point.stories / max) * plotHeight;
      y -= h;
      const bar = svgEl("rect", { x: left + index * barWidth + 2, y, width: barWidth - 4, height: h,
                                  fill: colour(point.pattern), "data-day": day, "data-pattern": point.pattern });
      const title = svgEl("title");
      title.textContent = day + ": " + point.stories + " " + patternName(point.pattern) + (point.stories === 1 ? " story" : " stories");
      bar.appendChild(title);
      svg.appendChild(bar);
    }
    if (index % 5 === 0 || index === data.days.length - 1) {
      const label = svgEl("text", { x: left + index * barWidth + barWidth / 2, y: height - bottom + 18,
                                    "text-anchor": "middle", "font-size": "12", fill: "#555" });
      label.textContent = day.slice(5);
      svg.appendChild(label);
    }
  });
  const legend = $("timeline-legend");
  legend.replaceChildren(el("span", null, (country ? countryLabel(country) : "All countries") + " · "));
  for (const pattern of data.patterns) {
    const key = el("span", "key");
    const swatch = el("span", "swatch"); swatch.style.background = colour(pattern);
    key.appendChild(swatch); key.appendChild(document.createTextNode(patternName(pattern)));
    legend.appendChild(key);
  }
  if (!data.patterns.length) legend.appendChild(el("span", "muted", "no stories in the last 30 days"));
}

// ---- failed deliveries ---------------------------------------------------------------
async function refreshFailedCount() {
  const response = await api("/v1/deliveries?limit=500");
  if (!response.ok) return;
  const n = (await response.json()).length;
  const badge = $("failed-count");
  badge.hidden = n === 0;
  badge.textContent = String(n);
}

async function loadDeliveries() {
  const response = await api("/v1/deliveries?limit=200");
  if (!response.ok) return;
  const rows = await response.json();
  const body = $("delivery-table").querySelector("tbody");
  body.replaceChildren();
  const message = $("deliveries-message");
  for (const d of rows) {
    const row = el("tr");
    const story = el("td");
    const a = el("a", null, d.headline || d.story_id); a.href = "#story/" + encodeURIComponent(d.story_id);
    story.appendChild(a);
    row.appendChild(story);
    row.appendChild(el("td", null, d.subscription_id + " · " + d.channel));
    row.appendChild(el("td", "chip state-" + d.status, STATE_WORDS[d.status] || d.status));
    row.appendChild(el("td", null, String(d.attempts)));
    row.appendChild(el("td", "last-error", d.last_error || ""));
    row.appendChild(el("td", "muted", age(d.created_at)));
    const actions = el("td");
    const button = el("button", "retry", "Retry now");
    button.type = "button";
    button.addEventListener("click", () => retry(d.id, message, () => { loadDeliveries(); refreshFailedCount(); }));
    actions.appendChild(button);
    row.appendChild(actions);
    body.appendChild(row);
  }
  $("deliveries-empty").hidden = rows.length > 0;
  $("delivery-table").hidden = rows.length === 0;
}

function installDesk() {
  for (const id of ["filter-pattern", "filter-country", "filter-severity", "filter-range"]) {
    $(id).addEventListener("change", () => loadStories());
  }
  let typing = null;
  $("filter-text").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => loadStories(), 250); });
  $("story-filters").addEventListener("submit", (event) => { event.preventDefault(); loadStories(); });
  $("more").addEventListener("click", () => loadStories(true));
  $("map-range").addEventListener("change", loadMap);
  $("timeline-country").addEventListener("change", loadTimeline);
  setInterval(() => { if (state.token && !$("stories").hidden) { loadStories(); loadDetections(); } }, 60000);
}
