// The faas-iac dashboard: one page, no framework, nothing fetched from elsewhere.
// Every value from the host is written with textContent (through el()), never as HTML.
"use strict";

const API = "api/";
const main = () => document.getElementById("main");
let stream = null; // the live log EventSource, closed when leaving the Logs view
let timer = null; // the refresh timer of the current view

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function json(value) {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

function when(ts) {
  if (ts === null || ts === undefined) return "";
  const d = typeof ts === "number" ? new Date(ts * 1000) : new Date(ts);
  return d.toISOString().replace("T", " ").replace("Z", "");
}

function ms(value) {
  return value === null || value === undefined ? "–" : `${Number(value).toFixed(1)} ms`;
}

async function call(method, path, body) {
  const init = { method, headers: { "x-faas-dashboard": "1" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const reply = await fetch(API + path, init);
  let data = null;
  try {
    data = await reply.json();
  } catch (e) {
    data = { error: `HTTP ${reply.status}` };
  }
  if (!reply.ok) throw new Error((data && data.error) || `HTTP ${reply.status}`);
  return data;
}

function say(text, bad) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = bad ? "bad" : "";
}

function table(headers, rows, cls) {
  return el(
    "div",
    { class: "scroll" },
    el(
      "table",
      { class: cls || "" },
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)
    )
  );
}

function show(...nodes) {
  main().replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined));
}

function badge(text) {
  return el("span", { class: `badge s-${String(text).toLowerCase()}` }, text);
}

// -- views ---------------------------------------------------------------------------------

async function functionsView() {
  const data = await call("GET", "overview");
  document.getElementById("app-name").textContent = data.app;
  const rows = data.functions.map((f) =>
    el(
      "tr",
      { "data-function": f.name },
      el("td", {}, el("a", { href: `#/function/${encodeURIComponent(f.name)}` }, f.name)),
      el("td", {}, f.kind),
      el("td", { class: "wrap" }, f.trigger),
      el("td", { class: "num" }, f.count),
      el("td", { class: f.errors ? "num bad" : "num" }, f.errors),
      el("td", { class: "num" }, ms(f.p50_ms)),
      el("td", { class: "num" }, ms(f.p95_ms))
    )
  );
  show(
    el("h1", {}, "Functions"),
    el("p", { class: "hint" }, `p50 / p95 over the last ${data.window_s} s`),
    table(["function", "trigger", "on", "invocations", "errors", "p50", "p95"], rows)
  );
}

async function functionView(name) {
  const f = await call("GET", `functions/${encodeURIComponent(name)}`);
  const items = f.last.map((inv) =>
    el(
      "details",
      { class: inv.failed ? "inv failed" : "inv" },
      el(
        "summary",
        {},
        badge(inv.failed ? "Failed" : "Succeeded"),
        " ",
        el("code", {}, inv.invocation_id),
        ` ${when(inv.ts)} · ${ms(inv.duration_ms)}`
      ),
      el(
        "pre",
        { class: "lines" },
        inv.lines.length ? inv.lines.map((l) => `${l.ts} ${l.level} ${l.msg}\n`) : "(no lines kept)"
      )
    )
  );
  show(
    el("h1", {}, el("a", { href: "#/functions" }, "Functions"), " / ", f.name),
    el(
      "p",
      {},
      `${f.kind} · ${f.trigger} · ${f.count} invocations · ${f.errors} errors · ` +
        `p50 ${ms(f.p50_ms)} · p95 ${ms(f.p95_ms)}`
    ),
    el("h2", {}, "Last invocations"),
    items.length ? items : el("p", { class: "hint" }, "none yet")
  );
}

function logLine(l) {
  return el(
    "div",
    { class: `line l-${l.level}`, "data-seq": l.seq },
    el("span", { class: "ts" }, l.ts.slice(11, 23)),
    " ",
    el("span", { class: "lvl" }, l.level),
    " ",
    l.function ? el("span", { class: "fn" }, l.function) : null,
    l.function ? " " : null,
    el("span", { class: "msg" }, l.msg),
    l.error ? el("pre", { class: "err" }, l.error) : null
  );
}

async function logsView(params) {
  const overview = await call("GET", "overview");
  const fn = el(
    "select",
    { name: "function" },
    el("option", { value: "" }, "every function"),
    overview.functions.map((f) => el("option", { value: f.name }, f.name))
  );
  const level = el(
    "select",
    { name: "level" },
    ["", "debug", "info", "warning", "error"].map((l) => el("option", { value: l }, l || "any level"))
  );
  const inv = el("input", { name: "invocation", placeholder: "invocation or instance id" });
  fn.value = params.get("function") || "";
  level.value = params.get("level") || "";
  inv.value = params.get("invocation") || "";
  const list = el("div", { id: "log-lines", class: "log" });
  const apply = () => {
    const q = new URLSearchParams();
    if (fn.value) q.set("function", fn.value);
    if (level.value) q.set("level", level.value);
    if (inv.value) q.set("invocation", inv.value);
    location.hash = `#/logs?${q}`;
  };
  const form = el(
    "form",
    { class: "filters", onsubmit: (e) => (e.preventDefault(), apply()) },
    fn,
    level,
    inv,
    el("button", { type: "submit" }, "Filter")
  );
  fn.addEventListener("change", apply);
  level.addEventListener("change", apply);
  show(el("h1", {}, "Live logs"), form, list);
  const q = new URLSearchParams();
  for (const k of ["function", "level", "invocation"]) if (params.get(k)) q.set(k, params.get(k));
  q.set("limit", "200");
  stream = new EventSource(`${API}logs/stream?${q}`);
  stream.onmessage = (e) => {
    const line = JSON.parse(e.data);
    list.append(logLine(line));
    while (list.childElementCount > 1000) list.firstElementChild.remove();
    list.scrollTop = list.scrollHeight;
  };
  stream.onerror = () => say("live logs: reconnecting…", true);
  stream.onopen = () => say("live logs connected");
}

async function queuesView() {
  const data = await call("GET", "overview");
  const rows = data.channels.map((c) =>
    el(
      "tr",
      { "data-channel": c.name },
      el("td", {}, c.name),
      el("td", {}, c.kind),
      el("td", { class: "num" }, c.waiting),
      el("td", { class: "num" }, c.inflight),
      el(
        "td",
        { class: c.dead ? "num bad" : "num" },
        c.dead_source
          ? el("a", { href: `#/dead/${encodeURIComponent(c.dead_source)}` }, String(c.dead))
          : "–"
      ),
      el("td", { class: "wrap" }, c.functions.join(", "))
    )
  );
  show(
    el("h1", {}, "Queues and event sources"),
    table(["name", "kind", "waiting", "in flight", "dead", "read by"], rows)
  );
}

async function deadView(name) {
  const data = await call("GET", `dead/${encodeURIComponent(name)}`);
  const act = async (action, ids) => {
    const done = await call("POST", `dead/${encodeURIComponent(name)}/${action}`, ids ? { ids } : undefined);
    say(action === "redrive" ? `redrove ${done.redriven}` : `purged ${done.purged}`);
    await deadView(name);
  };
  const rows = data.messages.map((m) =>
    el(
      "tr",
      { "data-message": m.id },
      el("td", {}, el("code", {}, m.id)),
      el("td", { class: "num" }, m.deliveries),
      el("td", {}, when(m.enqueued)),
      el("td", {}, el("pre", { class: "body" }, m.body)),
      el("td", {}, json(m.attributes) === "{}" ? "" : json(m.attributes)),
      el("td", {}, el("button", { onclick: () => act("redrive", [m.id]) }, "Redrive"))
    )
  );
  show(
    el("h1", {}, el("a", { href: "#/queues" }, "Queues"), " / dead letters of ", data.name),
    el(
      "div",
      { class: "actions" },
      el("button", { id: "redrive-all", onclick: () => act("redrive") }, "Redrive all"),
      el(
        "button",
        { id: "purge-all", class: "danger", onclick: () => confirm("Delete every dead letter?") && act("purge") },
        "Purge all"
      )
    ),
    rows.length
      ? table(["id", "deliveries", "enqueued", "body", "attributes", ""], rows)
      : el("p", { class: "hint", id: "no-dead" }, "no dead letters")
  );
}

const STATUSES = ["Pending", "Running", "Suspended", "Completed", "Failed", "Terminated", "ContinuedAsNew"];

async function orchestrationsView(params) {
  const q = new URLSearchParams();
  for (const k of ["name", "status", "prefix", "from", "to", "cursor"]) if (params.get(k)) q.set(k, params.get(k));
  q.set("limit", params.get("limit") || "50");
  const data = await call("GET", `instances?${q}`);
  const name = el("select", { name: "name" }, el("option", { value: "" }, "every orchestrator"), data.names.map((n) => el("option", { value: n }, n)));
  const status = el("select", { name: "status" }, el("option", { value: "" }, "any status"), STATUSES.map((s) => el("option", { value: s }, s)));
  const prefix = el("input", { name: "prefix", placeholder: "id prefix" });
  const from = el("input", { name: "from", type: "datetime-local", step: "1", title: "created from (UTC)" });
  const to = el("input", { name: "to", type: "datetime-local", step: "1", title: "created to (UTC)" });
  name.value = params.get("name") || "";
  status.value = params.get("status") || "";
  prefix.value = params.get("prefix") || "";
  from.value = (params.get("from") || "").replace("Z", "");
  to.value = (params.get("to") || "").replace("Z", "");
  const filters = (cursor) => {
    const f = new URLSearchParams();
    if (name.value) f.set("name", name.value);
    if (status.value) f.set("status", status.value);
    if (prefix.value) f.set("prefix", prefix.value);
    if (from.value) f.set("from", `${from.value}Z`);
    if (to.value) f.set("to", `${to.value}Z`);
    if (cursor) f.set("cursor", cursor);
    return `#/orchestrations?${f}`;
  };
  const rows = data.instances.map((i) =>
    el(
      "tr",
      { "data-instance": i.instanceId },
      el("td", {}, el("a", { href: `#/instance/${encodeURIComponent(i.instanceId)}` }, i.instanceId)),
      el("td", {}, i.name),
      el("td", {}, badge(i.runtimeStatus)),
      el("td", {}, when(i.createdTime)),
      el("td", {}, when(i.lastUpdatedTime)),
      el("td", { class: "wrap" }, i.customStatus === null ? "" : json(i.customStatus))
    )
  );
  show(
    el("h1", {}, "Orchestrations"),
    el(
      "form",
      { class: "filters", onsubmit: (e) => (e.preventDefault(), (location.hash = filters())) },
      name,
      status,
      prefix,
      from,
      to,
      el("button", { type: "submit" }, "Filter")
    ),
    el("p", { class: "hint", id: "total" }, `${data.total} instances`),
    table(["instance", "orchestrator", "status", "created", "updated", "custom status"], rows),
    el(
      "div",
      { class: "actions" },
      params.get("cursor") ? el("a", { href: filters(""), class: "button" }, "First page") : null,
      data.next ? el("a", { href: filters(data.next), class: "button", id: "next-page" }, "Next page") : null
    )
  );
}

function diagramNode(node) {
  const box = el(
    "li",
    { class: `step ${node.state ? "st-" + node.state : ""}`, "data-state": node.state || "" },
    el("span", { class: "label" }, node.label, node.line ? el("span", { class: "line" }, ` line ${node.line}`) : null)
  );
  if (node.branches) {
    box.append(
      el(
        "div",
        { class: "branches" },
        node.branches.map((b) => el("div", { class: "branch" }, el("span", { class: "blabel" }, b.label), el("ol", {}, b.steps.map(diagramNode))))
      )
    );
  }
  return box;
}

async function instanceView(id) {
  const i = await call("GET", `instances/${encodeURIComponent(id)}`);
  const act = async (action, body) => {
    try {
      const done = await call("POST", `instances/${encodeURIComponent(id)}/${action}`, body || {});
      if (action === "purge") {
        location.hash = "#/orchestrations";
        return;
      }
      if (action === "restart") {
        location.hash = `#/instance/${encodeURIComponent(done.instanceId)}`;
        return;
      }
      say(`${action}: done`);
      setTimeout(() => instanceView(id).catch(fail), 300);
    } catch (e) {
      say(`${action}: ${e.message}`, true);
    }
  };
  const eventName = el("input", { name: "event", placeholder: "event name", required: true });
  const eventData = el("textarea", { name: "data", placeholder: "data (JSON)", rows: 2 });
  const reason = el("input", { name: "reason", placeholder: "reason" });
  const raise = el(
    "form",
    {
      class: "filters",
      id: "raise-form",
      onsubmit: (e) => {
        e.preventDefault();
        let data = eventData.value.trim();
        try {
          data = data ? JSON.parse(data) : null;
        } catch (err) {
          /* not JSON: sent as text */
        }
        act("raise", { event: eventName.value, data });
      },
    },
    eventName,
    eventData,
    el("button", { type: "submit", id: "raise" }, "Raise event")
  );
  const timelineRows = i.history.map((h) =>
    el(
      "tr",
      {},
      el("td", {}, when(h.ts)),
      el("td", {}, h.EventType),
      el("td", {}, h.FunctionName || h.Name || ""),
      el("td", { class: "num" }, h.duration_ms === undefined ? "" : ms(h.duration_ms)),
      el("td", { class: "wrap" }, el("pre", { class: "body" }, h.Result !== undefined ? json(h.Result) : h.Input !== undefined ? json(h.Input) : h.Reason || ""))
    )
  );
  const diagram = i.diagram.refused
    ? el("pre", { class: "hint" }, i.diagram.refused.join("\n"))
    : el("ol", { class: "diagram", id: "diagram" }, el("li", { class: "step st-done" }, el("span", { class: "label" }, `start ${i.diagram.name}`)), i.diagram.steps.map(diagramNode));
  show(
    el("h1", {}, el("a", { href: "#/orchestrations" }, "Orchestrations"), " / ", el("span", { id: "instance-id" }, i.instanceId)),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "orchestrator"),
      el("dd", {}, i.name),
      el("dt", {}, "status"),
      el("dd", { id: "runtime-status" }, badge(i.runtimeStatus)),
      el("dt", {}, "created"),
      el("dd", {}, when(i.createdTime)),
      el("dt", {}, "updated"),
      el("dd", {}, when(i.lastUpdatedTime)),
      i.parent ? [el("dt", {}, "parent"), el("dd", {}, el("a", { href: `#/instance/${encodeURIComponent(i.parent)}` }, i.parent))] : null
    ),
    el(
      "div",
      { class: "actions" },
      raise,
      el("span", {}, reason),
      el("button", { id: "terminate", class: "danger", onclick: () => act("terminate", { reason: reason.value }) }, "Terminate"),
      el("button", { id: "suspend", onclick: () => act("suspend", { reason: reason.value }) }, "Suspend"),
      el("button", { id: "resume", onclick: () => act("resume", { reason: reason.value }) }, "Resume"),
      el("button", { id: "restart", onclick: () => act("restart") }, "Restart"),
      el("button", { id: "purge", class: "danger", onclick: () => confirm("Forget this instance?") && act("purge") }, "Purge")
    ),
    el("h2", {}, "Input"),
    el("pre", { class: "body", id: "input" }, json(i.input)),
    el("h2", {}, "Output"),
    el("pre", { class: "body", id: "output" }, json(i.output)),
    el("h2", {}, "Custom status"),
    el("pre", { class: "body", id: "custom-status" }, json(i.customStatus)),
    i.error ? [el("h2", {}, "Error"), el("pre", { class: "body bad", id: "error" }, json(i.error))] : null,
    el("h2", {}, "Diagram"),
    diagram,
    el("h2", {}, "History"),
    table(["time", "event", "name", "took", "details"], timelineRows, "timeline")
  );
}

async function entitiesView(params) {
  const q = new URLSearchParams();
  if (params.get("name")) q.set("name", params.get("name"));
  const data = await call("GET", `entities?${q}`);
  const name = el("input", { name: "name", placeholder: "entity name" });
  name.value = params.get("name") || "";
  const rows = data.entities.map((e) =>
    el("tr", {}, el("td", {}, e.name), el("td", {}, e.key), el("td", {}, el("pre", { class: "body" }, json(e.state))), el("td", {}, when(e.updated)))
  );
  show(
    el("h1", {}, "Entities"),
    el("form", { class: "filters", onsubmit: (e) => (e.preventDefault(), (location.hash = `#/entities?name=${encodeURIComponent(name.value)}`)) }, name, el("button", { type: "submit" }, "Filter")),
    rows.length ? table(["name", "key", "state", "updated"], rows) : el("p", { class: "hint" }, "no entities")
  );
}

// -- routing -------------------------------------------------------------------------------

function fail(e) {
  say(e.message, true);
  show(el("h1", {}, "Error"), el("p", { class: "bad" }, e.message));
}

async function route() {
  if (stream) stream.close();
  stream = null;
  clearInterval(timer);
  const [path, query] = (location.hash.slice(1) || "/functions").split("?");
  const params = new URLSearchParams(query || "");
  const [, view, arg] = path.split("/");
  const name = arg === undefined ? "" : decodeURIComponent(arg);
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.view === view || (view === "function" && a.dataset.view === "functions") || (view === "instance" && a.dataset.view === "orchestrations") || (view === "dead" && a.dataset.view === "queues"));
  }
  const views = {
    functions: () => functionsView(),
    function: () => functionView(name),
    logs: () => logsView(params),
    queues: () => queuesView(),
    dead: () => deadView(name),
    orchestrations: () => orchestrationsView(params),
    instance: () => instanceView(name),
    entities: () => entitiesView(params),
  };
  const run = views[view] || views.functions;
  try {
    await run();
    if (view !== "logs") say("");
  } catch (e) {
    fail(e);
  }
  if (["functions", "queues", "function"].includes(view || "functions")) {
    timer = setInterval(() => run().catch(fail), 2000);
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => {
  call("GET", "overview")
    .then((d) => (document.getElementById("app-name").textContent = d.app))
    .catch(fail);
  route();
});
