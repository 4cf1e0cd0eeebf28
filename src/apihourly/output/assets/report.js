"use strict";
// apihourly's HTML report. Every text from the logs enters the page through
// textContent (never innerHTML); the data comes from the JSON block above.
(function () {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const DATES = Object.keys(DATA.dates).sort();
  const NEEDS_QUOTES = /[,"\r\n]/;
  const LEVELS = new Set(["over", "near", "tenant", "50%", "75%", "100%"]);
  const NUMBER = new Intl.NumberFormat("en-US");  // one formatter: toLocaleString makes one a call
  const FIRST_ROWS = 100;  // calls drawn at once; the rest a frame later, so a click answers at once
  const decoded = new Map();  // date -> Promise of its calls, column by column
  let drawing = 0;  // the latest drawing of calls: an older one stops adding rows
  let state = { day: null, activity: null };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function levelClass(level) {
    if (!LEVELS.has(level)) return "";
    return "level-" + level.replace("%", "pct");
  }

  // CSV, as apihourly writes it: a field with a comma, quote, CR or LF quoted.
  function csvField(text) {
    text = String(text);
    return NEEDS_QUOTES.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csvLine(values) {
    return values.map(csvField).join(",") + "\n";
  }

  function download(name, text) {
    const link = el("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  function fileName(...parts) {
    return parts.filter((p) => p !== "").map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, "_")).join("-") + ".csv";
  }

  // Tables from the reports: text, level and alignment per cell, as the terminal has them.
  function drawTable(holder, table, options = {}) {
    const node = el("table");
    const head = node.createTHead().insertRow();
    table.columns.forEach((column, j) => {
      const th = el("th", column.align === "right" ? "num" : "");
      th.scope = "col";
      if (options.sortable) th.appendChild(sortButton(column.name, () => sortTable(node, table, j, th)));
      else th.textContent = column.name;
      head.appendChild(th);
    });
    const body = node.createTBody();
    const footer = node.createTFoot();
    const first = table.rows.length - table.footer;
    table.rows.forEach((texts, i) => {
      const row = (i >= first ? footer : body).insertRow();
      row.dataset.row = i;
      texts.forEach((text, j) => {
        const cell = row.insertCell();
        cell.textContent = text;
        const classes = [levelClass(table.levels[i][j]), table.columns[j].align === "right" ? "num" : ""];
        cell.className = classes.filter(Boolean).join(" ");
        if (options.decorate) options.decorate(cell, i, j);
      });
    });
    holder.replaceChildren(node);
    return node;
  }

  function sortButton(name, onClick) {
    const button = el("button", "sort", name);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  }

  function sortTable(node, table, j, th) {
    const descending = th.getAttribute("aria-sort") === "ascending";
    node.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const values = table.values[j];
    const rows = Array.from(node.tBodies[0].rows);
    rows.sort((a, b) => compare(values[a.dataset.row], values[b.dataset.row], descending) || a.dataset.row - b.dataset.row);
    node.tBodies[0].append(...rows);
  }

  function compare(a, b, descending) {
    const order = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
    return descending ? -order : order;
  }

  // The date picker: the days table, a date per row.
  function drawDates() {
    const table = DATA.days;
    const dateColumn = table.columns.findIndex((c) => c.name === "Date");
    drawTable($("days"), table, {
      decorate(cell, i, j) {
        if (j !== dateColumn || !DATA.dates[table.rows[i][j]]) return;
        const day = table.rows[i][j];
        const button = el("button", "date", day);
        button.type = "button";
        button.dataset.day = day;
        button.addEventListener("click", () => chooseDate(day));
        cell.replaceChildren(button);
      },
    });
  }

  function chooseDate(day) {
    if (!DATA.dates[day]) return;
    state = { day, activity: null };
    if (location.hash.slice(1) !== day) location.hash = day;
    document.querySelectorAll("#days tbody tr").forEach((row) => {
      const picked = row.querySelector("button.date")?.dataset.day === day;
      row.classList.toggle("chosen", picked);
      row.setAttribute("aria-current", picked ? "date" : "false");
    });
    const data = DATA.dates[day];
    $("day").hidden = false;
    $("day-title").textContent = day;
    $("day-notes").replaceChildren(...data.notes.map((note) => el("p", "message", "note: " + note)));
    drawSummary(data);
    drawTable($("totals"), data.totals, { sortable: true });
    drawLimits(data);
    closeActivity();
    if (data.calls) setTimeout(() => callsOf(day), 0);  // decoded ahead of the first click
  }

  // The summary grid: heat shading, red and yellow levels, a click opens the calls.
  function drawSummary(data) {
    const table = data.summary;
    const labels = data.labels.length;
    const counts = table.values.slice(1, 1 + labels).flat();
    const busiest = Math.max(1, ...counts);
    const totals = table.values[labels + 1];
    const busiestHour = Math.max(1, ...totals);
    const node = drawTable($("summary"), table, {
      decorate(cell, i, j) {
        const value = table.values[j][i];
        if (j >= 1 && typeof value === "number" && value > 0 && !table.levels[i][j]) {
          cell.style.setProperty("--heat", (value / (j <= labels ? busiest : busiestHour)).toFixed(3));
          cell.classList.add("heat");
        }
        if (!data.calls || (j >= 1 && !(value > 0))) return;
        if (j === 0 && !(totals[i] > 0)) return;
        cell.classList.add("pick");
        cell.tabIndex = 0;
        const label = j >= 1 && j <= labels ? j - 1 : -1;
        cell.addEventListener("click", () => openActivity(i, label));
        cell.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openActivity(i, label); }
        });
      },
    });
    const sums = table.values.slice(1).map((column) => column.reduce((a, b) => a + b, 0));
    const row = node.createTFoot().insertRow();
    row.appendChild(el("td", "", "Total"));
    sums.forEach((sum) => row.appendChild(el("td", "num", NUMBER.format(sum))));
    $("summary-legend").textContent = table.legend;
  }

  // Calls of one cell ----------------------------------------------------------
  function callsOf(day) {
    if (!decoded.has(day)) decoded.set(day, inflate(DATA.dates[day].calls.packed));
    return decoded.get(day);
  }

  async function inflate(packed) {
    const text = atob(packed);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);  // 20 times Uint8Array.from's speed
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return unpacked(JSON.parse(await new Response(stream).text()));
  }

  // Each call's hour and its start in ms from the hour's start (see _columns in output/html.py).
  function unpacked(calls) {
    calls.slot = new Int32Array(calls.n);
    calls.ms = new Float64Array(calls.n);
    calls.slotStarts = [];
    let i = 0;
    (calls.slot_rows || []).forEach((rows, slot) => {
      calls.slotStarts[slot] = rows ? i : undefined;
      for (let k = 0; k < rows; k++, i++) {
        calls.slot[i] = slot;
        calls.ms[i] = (k ? calls.ms[i - 1] : 0) + calls.ms_steps[i];
      }
    });
    return calls;
  }

  async function openActivity(slot, label) {
    const day = state.day;
    const data = DATA.dates[day];
    const calls = await callsOf(day);
    if (state.day !== day) return;
    const rows = cellRows(calls, slot, label, data.calls.limit);
    const count = label >= 0 ? data.summary.values[label + 1][slot] : data.summary.values[data.labels.length + 1][slot];
    const logged = data.calls.logged.some(([s, l]) => s === slot && l === label);
    const columns = DATA.activity_columns.concat(logged ? [DATA.logged_column] : []);
    state.activity = { slot, label, rows, columns, calls, data, sort: null };
    const who = label >= 0 ? data.labels[label] : "every integration";
    $("activity-title").textContent = "Activity: " + who + ", " + data.hours[slot];
    $("activity-count").textContent = rows.length < count
      ? `${NUMBER.format(count)} calls; the first ${NUMBER.format(rows.length)} are in this report.`
      : `${NUMBER.format(count)} ${count === 1 ? "call" : "calls"}.`;
    $("activity-more").hidden = rows.length >= count;
    $("activity-command").textContent = label >= 0 ? data.calls.commands.cell[slot][label] : data.calls.commands.hour[slot];
    $("activity-filter").value = "";
    $("activity-part").hidden = false;
    drawActivity();
    $("activity-part").scrollIntoView({ block: "nearest" });
  }

  function cellRows(calls, slot, label, limit) {
    const rows = [];
    const start = calls.slotStarts[slot];
    if (start === undefined) return rows;
    for (let i = start; i < calls.n && calls.slot[i] === slot && rows.length < limit; i++) {
      if (label < 0 || calls.label[i] === label) rows.push(i);
    }
    return rows;
  }

  function closeActivity() {
    state.activity = null;
    drawing++;
    $("activity-part").hidden = true;
    $("activity").replaceChildren();
  }

  // One call's cells: [shown, as CSV, sort key] per activity column.
  function callCells(activity, i) {
    const { calls, data, slot } = activity;
    const text = (k) => [calls.texts[k], k in calls.csv ? calls.csv[k] : calls.texts[k], calls.texts[k]];
    const number = (v) => v === null ? ["", "", -1] : [NUMBER.format(v), String(v), v];
    const iso = calls.iso[i] || isoOf(data.hour_starts[slot], calls.ms[i]);
    const hourly = data.calls.over[slot].includes(calls.label[i]);
    const reason = [hourly ? "hourly" : "", calls.threads[i] ? "threads" : ""].filter(Boolean).join("+");
    const cells = [
      text(calls.method[i]), text(calls.entity[i]), number(calls.return_count[i]), text(calls.labels[calls.label[i]]),
      text(calls.api_user[i]), [clock(iso), iso, i], number(calls.execution_ms[i]),
      [hourly ? DATA.check : "", hourly ? "true" : "false", hourly ? 1 : 0], text(calls.client_ip[i]),
      [reason, reason, reason],
    ];
    if (activity.columns.length > cells.length) cells.push(text(calls.logged[i]));
    return cells;
  }

  function isoOf(hourStart, ms) {
    const minutes = Math.floor(ms / 60000), seconds = Math.floor(ms / 1000) % 60;
    return hourStart.slice(0, 14) + pad(minutes, 2) + ":" + pad(seconds, 2) + "." + pad(ms % 1000, 3) + hourStart.slice(19);
  }

  function pad(n, width) {
    return String(n).padStart(width, "0");
  }

  function clock(iso) {
    const h = Number(iso.slice(11, 13)), rest = iso.slice(13, 23);
    if (DATA.time_format !== "12h") return iso.slice(11, 23);
    return `${h % 12 || 12}${rest} ${h < 12 ? "AM" : "PM"}`;
  }

  function drawActivity() {
    const activity = state.activity;
    const needle = $("activity-filter").value.trim().toLowerCase();
    let rows = activity.rows.map((i) => ({ i, cells: callCells(activity, i) }));
    if (needle) rows = rows.filter((row) => row.cells.some((c) => c[0].toLowerCase().includes(needle)));
    if (activity.sort) {
      const { column, descending } = activity.sort;
      rows.sort((a, b) => compare(a.cells[column][2], b.cells[column][2], descending) || a.i - b.i);
    }
    const node = el("table");
    const head = node.createTHead().insertRow();
    activity.columns.forEach((name, j) => {
      const th = el("th", j === 2 || j === 6 || j === 7 ? "num" : "");
      th.scope = "col";
      if (activity.sort && activity.sort.column === j) th.setAttribute("aria-sort", activity.sort.descending ? "descending" : "ascending");
      th.appendChild(sortButton(name, () => {
        const again = activity.sort && activity.sort.column === j && !activity.sort.descending;
        activity.sort = { column: j, descending: Boolean(again) };
        drawActivity();
      }));
      head.appendChild(th);
    });
    const body = node.createTBody();
    const generation = ++drawing;
    appendCalls(body, rows.slice(0, FIRST_ROWS));
    $("activity").replaceChildren(node);
    $("activity-count").dataset.shown = rows.length;
    const finish = () => {
      if (generation !== drawing) return;
      appendCalls(body, rows.slice(FIRST_ROWS));
      node.dataset.complete = "true";
    };
    if (rows.length > FIRST_ROWS) requestAnimationFrame(() => setTimeout(finish, 0));
    else finish();
  }

  function appendCalls(body, rows) {
    const fragment = document.createDocumentFragment();
    for (const row of rows) {
      const tr = document.createElement("tr");
      row.cells.forEach((cell, j) => {
        const td = tr.insertCell();
        td.textContent = cell[0];
        if (j === 2 || j === 6 || j === 7) td.className = "num";
        if ((j === 7 || j === 9 || j === 10) && cell[0]) td.classList.add("level-over");
      });
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
  }

  function activityCsv(activity) {
    const lines = [csvLine(activity.columns)];  // the report's own names: nothing to neutralise
    for (const i of activity.rows) lines.push(csvLine(callCells(activity, i).map((cell) => cell[1])));
    return lines.join("");
  }

  // Limits: the rolling 60-minute count as a chart, with the tiers and tables.
  function drawLimits(data) {
    const limits = data.limits;
    $("limits-part").hidden = !limits;
    if (!limits) return;
    const meta = limits.meta;
    $("limits-summary").textContent = meta.peak_at
      ? `Peak rolling 60 minutes: ${NUMBER.format(meta.peak)} calls, ending ${clock(meta.peak_at)}; ` +
        `tenant limit ${NUMBER.format(meta.db_threshold)}.`
      : "No calls.";
    $("chart").replaceChildren(chart(limits, data));
    const holder = $("limits");
    holder.replaceChildren();
    const titles = { tiers: "Tiers", peak: "Integrations in the peak window", threads: "Threads per integration and entity",
                     intervals: "Thread-limit stretches", counter: "Autotask's own counter" };
    for (const [name, table] of Object.entries(limits.parts)) {
      if (name === "counter" && !table.rows.length) continue;
      const part = el("section", "part");
      const heading = el("div", "heading");
      heading.append(el("h4", "", titles[name]), exportButton(name));
      const wrap = el("div", "wrap");
      part.append(heading, wrap);
      holder.appendChild(part);
      if (table.total > table.rows.length) {
        const more = el("p", "more", `${NUMBER.format(table.total)} rows; the first ` +
          `${NUMBER.format(table.rows.length)} are in this report. For all of them: `);
        more.appendChild(el("code", "", table.command));
        part.insertBefore(more, wrap);
      }
      if (table.rows.length) drawTable(wrap, table, { sortable: true });
      else wrap.appendChild(el("p", "hint", "None."));
    }
  }

  function exportButton(name) {
    const button = el("button", "export", "Export CSV");
    button.type = "button";
    button.dataset.export = name;
    return button;
  }

  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chart(limits, data) {
    const values = limits.minutes, n = Math.max(values.length, 1);
    const tiers = limits.parts.tiers.values[1];
    const top = Math.max(...values, tiers[2]) * 1.08 || 1;
    const W = 960, H = 260, left = 96, bottom = 22, width = W - left - 8, height = H - bottom - 8;
    const x = (i) => left + (i / n) * width;
    const y = (v) => 8 + height - (v / top) * height;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "rolling" });
    root.appendChild(svg("title", {}, `Rolling 60-minute calls of the tenant, ${state.day}`));
    ["50%", "75%", "100%"].forEach((share, k) => {
      const line = svg("line", { x1: left, x2: W - 8, y1: y(tiers[k]), y2: y(tiers[k]), class: "limit " + levelClass(share), "data-share": share });
      const label = `${share} ${NUMBER.format(tiers[k])}`;
      root.append(line, svg("text", { x: left - 4, y: y(tiers[k]) + 4, class: "axis", "text-anchor": "end" }, label));
    });
    const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    root.appendChild(svg("polyline", { points, class: "series" }));
    limits.minute_starts.forEach((label, i) => {
      if (!label.endsWith(":00") || Number(label.slice(0, 2)) % 3) return;
      root.appendChild(svg("line", { x1: x(i), x2: x(i), y1: 8 + height, y2: 12 + height, class: "tick" }));
      root.appendChild(svg("text", { x: x(i), y: H - 6, class: "axis", "text-anchor": "middle" }, hourMark(label)));
    });
    const peak = values.indexOf(Math.max(...values));
    if (peak >= 0 && values[peak] > 0) {
      root.appendChild(svg("circle", { cx: x(peak), cy: y(values[peak]), r: 4, class: "peak" }));
    }
    return root;
  }

  function hourMark(label) {
    if (DATA.time_format !== "12h") return label;
    const h = Number(label.slice(0, 2));
    return `${h % 12 || 12}${h < 12 ? "a" : "p"}`;
  }

  // Export CSV: exactly what the matching --csv command writes.
  function exportCsv(name) {
    const day = state.day, data = day && DATA.dates[day];
    if (name === "days") return download(fileName("days", DATES[0] || "", DATES[DATES.length - 1] || ""), DATA.days.csv);
    if (name === "summary") return download(fileName("summary", day), data.summary.csv);
    if (name === "totals") return download(fileName("totals", day), data.totals.csv);
    if (name === "minutes") return download(fileName("limits", "minutes", day), data.limits.minutes_csv);
    if (name === "activity") {
      const a = state.activity;
      const who = a.label >= 0 ? data.labels[a.label] : "all";
      return download(fileName("activity", day, data.hour_starts[a.slot].slice(11, 16).replace(":", ""), who), activityCsv(a));
    }
    return download(fileName("limits", name, day), data.limits.parts[name].csv);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-export]");
    if (button) exportCsv(button.dataset.export);
  });
  $("activity-close").addEventListener("click", closeActivity);
  $("activity-filter").addEventListener("input", () => drawActivity());
  window.addEventListener("hashchange", () => {
    const day = location.hash.slice(1);
    if (day !== state.day && DATA.dates[day]) chooseDate(day);
  });

  drawDates();
  const asked = location.hash.slice(1);
  if (DATES.length) chooseDate(DATA.dates[asked] ? asked : DATES[DATES.length - 1]);
  document.body.dataset.ready = "true";
})();
