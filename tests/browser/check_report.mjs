// Opens polyclust reports in headless Chromium (Debian's `chromium`, driven
// by playwright-core) and checks what a reader would see:
//   - no console error, no uncaught exception, no request leaving the file
//     (every network request is refused and counted);
//   - one card per cluster (`article.cluster-card`, as many as the page's
//     `data-clusters`), the card of rows in no cluster when there are any,
//     and every chart (`svg.chart`, as many as `data-charts`), each drawn
//     (a visible box holding marks) with a <title> and a <desc>;
//   - the same cards and charts with JavaScript turned off, where the copy
//     button stays hidden and the SQL is still there to select;
// and saves a full-page screenshot of each.
//
// Usage: node check_report.mjs --screenshots DIR FILE.html...
// Prints one JSON line per file; exits 1 when any check fails.
// CHROMIUM names the browser binary (default /usr/bin/chromium).

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let shots = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--screenshots") shots = args[++i];
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error("usage: node check_report.mjs --screenshots DIR FILE.html...");
  process.exit(2);
}
if (shots) mkdirSync(shots, { recursive: true });

// playwright starts the browser with a new temporary profile of its own.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

// What the page shows, read from the rendered DOM.
function inspect() {
  const body = document.body;
  const charts = [...document.querySelectorAll("svg.chart")].map((svg) => {
    const box = svg.getBoundingClientRect();
    const title = svg.querySelector(":scope > title");
    const desc = svg.querySelector(":scope > desc");
    const labelled = (svg.getAttribute("aria-labelledby") || "").split(/\s+/);
    return {
      id: svg.id,
      width: Math.round(box.width),
      height: Math.round(box.height),
      marks: svg.querySelectorAll("circle, rect, polygon, polyline, line, path").length,
      title: title ? title.textContent.trim() : "",
      desc: desc ? desc.textContent.trim() : "",
      labelled: labelled.every((id) => id && document.getElementById(id)),
      role: svg.getAttribute("role"),
    };
  });
  const cards = [...document.querySelectorAll("article.cluster-card")].map((card) => ({
    id: card.id,
    visible: card.getBoundingClientRect().height > 0,
    heading: (card.querySelector("h3") || { textContent: "" }).textContent.trim(),
    conditions: card.querySelectorAll("ul.rule li").length,
    profile_rows: card.querySelectorAll("table.profile tbody tr").length,
  }));
  const button = document.querySelector("button.copy");
  return {
    title: document.title,
    expected_clusters: Number(body.dataset.clusters),
    expected_charts: Number(body.dataset.charts),
    expected_outliers: Number(body.dataset.outliers),
    cards,
    outlier_cards: document.querySelectorAll("article.outlier-card").length,
    charts,
    sql: (document.getElementById("sql-text") || { textContent: "" }).textContent.length,
    copy_button_shown: !!button && !button.hidden && button.getBoundingClientRect().height > 0,
  };
}

function problems(seen, scripting) {
  const out = [];
  if (!(seen.expected_clusters > 0)) out.push("data-clusters missing");
  if (seen.cards.length !== seen.expected_clusters)
    out.push(`${seen.cards.length} cluster cards for ${seen.expected_clusters} clusters`);
  for (const c of seen.cards) {
    if (!c.visible) out.push(`card ${c.id} is not visible`);
    if (!c.heading) out.push(`card ${c.id} has no heading`);
  }
  if ((seen.expected_outliers > 0) !== (seen.outlier_cards === 1))
    out.push(`${seen.outlier_cards} cards of rows in no cluster for ${seen.expected_outliers} such rows`);
  if (seen.charts.length !== seen.expected_charts)
    out.push(`${seen.charts.length} charts for ${seen.expected_charts} expected`);
  for (const c of seen.charts) {
    if (c.width < 100 || c.height < 100) out.push(`chart ${c.id} is ${c.width}×${c.height}`);
    if (c.marks < 3) out.push(`chart ${c.id} draws nothing`);
    if (!c.title || !c.desc) out.push(`chart ${c.id} lacks a title or a description`);
    if (c.role !== "img" || !c.labelled) out.push(`chart ${c.id} is not labelled for assistive technology`);
  }
  if (seen.sql === 0) out.push("no SQL");
  if (scripting && !seen.copy_button_shown) out.push("the copy button is not shown with JavaScript");
  if (!scripting && seen.copy_button_shown) out.push("the copy button is shown without JavaScript");
  return out;
}

let failed = false;
for (const file of files) {
  const url = pathToFileURL(resolve(file)).href;
  const result = { file, errors: [], requests_refused: [] };
  for (const scripting of [true, false]) {
    const context = await browser.newContext({
      javaScriptEnabled: scripting,
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.route("**/*", (route) => {
      const u = route.request().url();
      if (u === url || u.startsWith("data:")) return route.continue();
      result.requests_refused.push(u);
      return route.abort();
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") result.errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (e) => result.errors.push(`exception: ${e.message}`));
    await page.goto(url, { waitUntil: "load" });
    const seen = await page.evaluate(inspect);
    const found = problems(seen, scripting);
    result[scripting ? "with_js" : "without_js"] = {
      clusters: seen.expected_clusters,
      cards: seen.cards.length,
      charts: seen.charts.length,
      outlier_cards: seen.outlier_cards,
      problems: found,
    };
    if (scripting && shots) {
      const png = join(shots, basename(file).replace(/\.html?$/, "") + ".png");
      await page.screenshot({ path: png, fullPage: true });
      result.screenshot = png;
    }
    if (found.length) failed = true;
    await context.close();
  }
  if (result.errors.length || result.requests_refused.length) failed = true;
  result.ok =
    result.errors.length === 0 &&
    result.requests_refused.length === 0 &&
    result.with_js.problems.length === 0 &&
    result.without_js.problems.length === 0;
  console.log(JSON.stringify(result));
}
await browser.close();
process.exit(failed ? 1 : 0);
