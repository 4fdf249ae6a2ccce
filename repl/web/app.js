// The case page: renders what /api/case returns, and asks /api/explain, /api/why-not and /api/export on demand.
// The what-if (facts dropped, facts supposed) lives here and in the address bar, and goes with every request:
// the server keeps no state of the page's.
"use strict";

const state = { drop: [], suppose: [], as_of: null };
let currentCase = null;
let treeCount = 0; // each rendered explanation gets its own prefix for the anchors of its nodes
// Timings the benchmark reads (bench/bench_serve.py): milliseconds since navigation start, and per recompute.
window.lexlogTimings = { firstAnswer: null, lastRecompute: null };

// --- small helpers ----------------------------------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function sentence(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
}

function baseName(path) {
  return path ? path.split("/").pop() : "";
}

function where(file, line) {
  return file ? `${baseName(file)}:${line}` : "";
}

class ApiError extends Error {
  constructor(error) {
    super(error.message);
    this.detail = error;
  }
}

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...body, what_if: state }),
  });
  const data = await response.json();
  if (!response.ok) throw new ApiError(data.error);
  return data;
}

function showError(error) {
  const box = document.getElementById("error");
  box.replaceChildren();
  if (!error) {
    box.hidden = true;
    return;
  }
  const detail = error.detail || { message: String(error), text: String(error) };
  box.append(el("button", { class: "close", type: "button", title: "dismiss", onclick: () => showError(null) }, "×"));
  box.append(el("p", { class: "message" }, detail.message));
  if (detail.text && detail.text !== detail.message) box.append(el("pre", { class: "diagnostic" }, detail.text));
  box.hidden = false;
}

// --- the what-if, kept in the address bar so that a reload or a shared link shows the same case --------------

function readStateFromAddress() {
  const query = new URLSearchParams(location.search);
  state.drop = query.getAll("drop");
  state.suppose = query.getAll("suppose");
  state.as_of = query.get("as_of");
}

function writeStateToAddress() {
  const query = new URLSearchParams();
  state.drop.forEach((fact) => query.append("drop", fact));
  state.suppose.forEach((fact) => query.append("suppose", fact));
  if (state.as_of) query.set("as_of", state.as_of);
  const search = query.toString();
  history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
}

async function changeWhatIf(change) {
  const saved = { drop: [...state.drop], suppose: [...state.suppose], as_of: state.as_of };
  change();
  const started = performance.now();
  try {
    await refresh();
    writeStateToAddress();
    window.lexlogTimings.lastRecompute = performance.now() - started;
  } catch (error) {
    Object.assign(state, saved); // a fact the server refused is not kept
    showError(error);
  }
}

function stopSupposing(text) {
  return changeWhatIf(() => { state.suppose = state.suppose.filter((fact) => fact !== text); });
}

function dropFact(text, dropped) {
  return changeWhatIf(() => {
    state.drop = dropped ? [...state.drop, text] : state.drop.filter((fact) => fact !== text);
  });
}

// --- the page -----------------------------------------------------------------------------------------------

async function refresh() {
  const open = new Set([...document.querySelectorAll("details.conclusion[open]")].map((node) => node.dataset.atom));
  const document_ = await api("/api/case", {});
  currentCase = document_;
  showError(null);
  renderTitle(document_);
  renderAsOf(document_.as_of);
  renderWhatIf(document_);
  renderFacts(document_);
  renderChanges(document_);
  renderConclusions(document_, open);
  renderAuthorities(document_.authorities);
  renderConstants(document_.constants);
  fillForm("suppose", document_.inputs);
  fillForm("why-not", document_.outputs);
  document.body.dataset.state = "ready";
}

function renderTitle(case_) {
  const names = case_.files.map(baseName);
  const title = names.length <= 3 ? names.join(", ") : `${names.length} files`;
  document.getElementById("case-title").textContent = title;
  document.title = `lexlog: ${title}`;
}

function renderAsOf(asOf) {
  const banner = document.getElementById("as-of");
  const why = {
    stated: "the date the case file states (as_of)",
    asked: "the date asked for (--as-of)",
    what_if: "the date asked for here",
    today: asOf.stated.length > 1 ? `today: the files state several dates (${asOf.stated.join(", ")})` : "today: no file states a date",
  }[asOf.source];
  const parts = [el("span", {}, "Evaluated under the law in force on "), el("strong", { id: "as-of-date" }, asOf.date), `, ${why}.`];
  if (asOf.left_out.length) {
    const list = el("ul", {}, asOf.left_out.map((entry) =>
      el("li", {}, el("code", {}, entry.label || entry.head), ` (${where(entry.file, entry.line)}): ${entry.reason}`)));
    parts.push(el("details", { class: "left-out" },
      el("summary", {}, `${asOf.left_out.length} rule${asOf.left_out.length === 1 ? " is" : "s are"} not in force on that date`), list));
  }
  banner.replaceChildren(...parts, asOfForm());
  banner.hidden = false;
}

// The law of another date, as a what-if: a date, `today`, or an authority's name (its decision date), as --as-of takes.
function asOfForm() {
  const input = el("input", { id: "as-of-input", type: "text", size: 18, placeholder: "YYYY-MM-DD, today, or an authority",
    "aria-label": "the law as of", value: state.as_of || "" });
  return el("form", { id: "as-of-form", class: "as-of-form", onsubmit: (event) => {
    event.preventDefault();
    const text = input.value.trim();
    changeWhatIf(() => { state.as_of = text || null; });
  } }, " Law as of: ", input, " ", el("button", { type: "submit" }, "apply"),
  state.as_of ? [" ", el("button", { type: "button", id: "as-of-reset", onclick: () => changeWhatIf(() => { state.as_of = null; }) }, "the case's own date")] : null);
}

function renderWhatIf(case_) {
  const bar = document.getElementById("what-if");
  const dropped = case_.facts.filter((fact) => fact.dropped);
  const supposed = case_.facts.filter((fact) => fact.origin.kind === "supposed");
  if (!dropped.length && !supposed.length && !state.as_of) {
    bar.hidden = true;
    bar.replaceChildren();
    return;
  }
  const gained = case_.conclusions.filter((row) => row.new).length;
  const item = (fact, badge, button) => el("li", { class: `what-if-fact ${badge}`, "data-fact": fact.text },
    el("span", { class: `badge ${badge}` }, badge), " ", el("span", { class: "reading" }, sentence(fact.reading || fact.text)), " ",
    el("code", {}, fact.text), " ", button);
  bar.replaceChildren(
    el("div", {},
      el("strong", {}, "What if: "),
      el("span", { id: "what-if-changes" }, `${gained} conclusion${gained === 1 ? "" : "s"} gained, ${case_.lost.length} lost, compared with the case as filed. `),
      el("button", { type: "button", id: "undo-all", onclick: () => changeWhatIf(() => { state.drop = []; state.suppose = []; state.as_of = null; }) }, "Undo the what-if")),
    el("ul", { class: "what-if-facts" },
      state.as_of ? el("li", { class: "what-if-fact as-of" }, el("span", { class: "badge as-of" }, "as of"),
        ` the law in force on ${case_.as_of.date} (${state.as_of})`) : null,
      dropped.map((fact) => item(fact, "dropped", el("button", { type: "button", onclick: () => dropFact(fact.text, false) }, "restore"))),
      supposed.map((fact) => item(fact, "supposed", el("button", { type: "button",
        onclick: () => stopSupposing(fact.text) }, "stop supposing")))));
  bar.hidden = false;
}

function renderChanges(case_) {
  const box = document.getElementById("changes");
  const gained = case_.conclusions.filter((row) => row.new);
  if (!gained.length && !case_.lost.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const show = (atom) => () => {
    const details = document.querySelector(`details.conclusion[data-atom="${CSS.escape(atom)}"]`);
    details.open = true;
    details.scrollIntoView({ block: "center" });
  };
  // replaceChildren would show a null child as the text "null": the headings of empty lists are left out here
  box.replaceChildren(...[
    el("h3", {}, "Under the what-if"),
    gained.length ? el("p", { class: "change-heading" }, "Now follows:") : null,
    el("ul", {}, gained.map((atom) => el("li", { class: "change-new" }, el("span", { class: "badge new" }, "new"), " ",
      el("button", { type: "button", class: "link", onclick: show(atom.text) }, sentence(atom.reading || atom.text)), " ", el("code", {}, atom.text)))),
    case_.lost.length ? el("p", { class: "change-heading" }, "No longer follows:") : null,
    el("ul", {}, case_.lost.map((atom) => el("li", { class: "change-lost" }, el("span", { class: "badge lost" }, "lost"), " ",
      el("span", { class: "reading" }, sentence(atom.reading || atom.text)), " ", el("code", {}, atom.text), " ",
      el("button", { type: "button", class: "link why-not", onclick: () => askWhyNot(atom.text) }, "why not?")))),
  ].filter((child) => child));
  box.hidden = false;
}

function declarationHeading(declaration) {
  const signature = `${declaration.predicate}(${declaration.parameters.join(", ")})`;
  return el("div", { class: "declaration" },
    el("code", {}, signature),
    declaration.reading ? el("span", { class: "reading template" }, ` ${declaration.reading}`) : null);
}

function renderFacts(case_) {
  const byPredicate = new Map(case_.inputs.map((declaration) => [declaration.predicate, []]));
  for (const fact of case_.facts) {
    if (!byPredicate.has(fact.predicate)) byPredicate.set(fact.predicate, []);
    byPredicate.get(fact.predicate).push(fact);
  }
  const declarations = new Map(case_.inputs.map((declaration) => [declaration.predicate, declaration]));
  const groups = [];
  for (const [predicate, facts] of byPredicate) {
    if (!facts.length) continue;
    const declaration = declarations.get(predicate) || { predicate, parameters: facts[0].arguments.map((_, i) => `_${i + 1}`), reading: null };
    groups.push(el("section", { class: "group" }, declarationHeading(declaration), el("ul", { class: "facts" }, facts.map(factRow))));
  }
  document.getElementById("facts").replaceChildren(...groups);
}

function factRow(fact) {
  const supposed = fact.origin.kind === "supposed";
  const control = supposed
    ? el("button", { type: "button", class: "remove", title: "stop supposing this fact",
        onclick: () => stopSupposing(fact.text) }, "×")
    : el("input", { type: "checkbox", class: "holds", checked: !fact.dropped, title: fact.dropped ? "restore this fact" : "drop this fact",
        "aria-label": `${fact.text} holds`, onchange: (event) => dropFact(fact.text, !event.target.checked) });
  const origin = supposed
    ? el("span", { class: "badge supposed" }, "supposed")
    : fact.origin.kind === "asserted"
      ? el("span", { class: "badge asserted" }, "asserted")
      : el("span", { class: "origin", title: fact.origin.file }, where(fact.origin.file, fact.origin.line));
  return el("li", { class: `fact${supposed ? " supposed" : ""}${fact.dropped ? " dropped" : ""}`, "data-fact": fact.text },
    el("label", {}, control, " ", el("span", { class: "reading" }, sentence(fact.reading || fact.text))),
    " ", el("code", {}, fact.text), " ", origin,
    fact.dropped ? el("span", { class: "badge dropped" }, "dropped") : null);
}

function renderConclusions(case_, open) {
  const byPredicate = new Map(case_.outputs.map((declaration) => [declaration.predicate, { declaration, held: [], lost: [] }]));
  const group = (atom) => {
    if (!byPredicate.has(atom.predicate)) {
      byPredicate.set(atom.predicate, { declaration: { predicate: atom.predicate, parameters: atom.arguments.map((_, i) => `X${i + 1}`), reading: null }, held: [], lost: [] });
    }
    return byPredicate.get(atom.predicate);
  };
  case_.conclusions.forEach((atom) => group(atom).held.push(atom));
  case_.lost.forEach((atom) => group(atom).lost.push(atom));
  const sections = [];
  for (const { declaration, held, lost } of byPredicate.values()) {
    const items = held.map((atom) => conclusionItem(atom, open.has(atom.text)));
    items.push(...lost.map(lostItem));
    if (!held.length) {
      const pattern = `${declaration.predicate}(${declaration.parameters.join(", ")})`;
      items.push(el("li", { class: "none" }, "None follows. ",
        el("button", { type: "button", class: "link why-not", onclick: () => askWhyNot(pattern) }, "why not?")));
    }
    const count = held.length ? ` ${held.length}` : "";
    sections.push(el("section", { class: `group output${held.length ? "" : " empty"}`, "data-predicate": declaration.predicate },
      el("div", { class: "group-heading" }, declarationHeading(declaration), el("span", { class: "count" }, count)),
      el("ul", { class: "conclusions" }, items)));
  }
  document.getElementById("conclusions").replaceChildren(...sections);
  if (window.lexlogTimings.firstAnswer === null) window.lexlogTimings.firstAnswer = performance.now();
}

function conclusionItem(atom, open) {
  const body = el("div", { class: "proof-body" });
  const details = el("details", { class: `conclusion${atom.new ? " new" : ""}`, "data-atom": atom.text },
    el("summary", {},
      el("span", { class: "reading" }, sentence(atom.reading || atom.text)), " ", el("code", {}, atom.text),
      atom.new ? el("span", { class: "badge new" }, "new under the what-if") : null),
    body);
  details.addEventListener("toggle", () => {
    if (details.open && !body.dataset.loaded) loadProof(atom.text, body);
  });
  if (open) details.open = true;
  return el("li", {}, details);
}

function lostItem(atom) {
  return el("li", { class: "lost", "data-atom": atom.text },
    el("span", { class: "reading" }, sentence(atom.reading || atom.text)), " ", el("code", {}, atom.text), " ",
    el("span", { class: "badge lost" }, "no longer follows"), " ",
    el("button", { type: "button", class: "link why-not", onclick: () => askWhyNot(atom.text) }, "why not?"));
}

async function loadProof(atom, body) {
  body.dataset.loaded = "loading";
  body.replaceChildren(el("p", { class: "help" }, "…"));
  try {
    const answer = await api("/api/explain", { atom });
    body.replaceChildren(exportBar(atom), renderExplanation(answer.explanation, true));
    body.dataset.loaded = "yes";
  } catch (error) {
    delete body.dataset.loaded;
    body.replaceChildren();
    showError(error);
  }
}

// --- exports ----------------------------------------------------------------------------------------------------

const FORMAT_NAMES = { markdown: "Markdown", json: "JSON", dot: "DOT", memo: "Memo" };

function exportBar(atom) {
  const output = el("div", { class: "export-output", hidden: true });
  const buttons = currentCase.exports.map((format) =>
    el("button", { type: "button", class: "export", "data-format": format, onclick: () => showExport(atom, format, output) }, FORMAT_NAMES[format] || format));
  return el("div", { class: "export-bar" }, el("span", { class: "help" }, "Export: "), buttons, output);
}

async function showExport(atom, format, output) {
  try {
    const exported = await api("/api/export", { atom, format });
    const url = URL.createObjectURL(new Blob([exported.text], { type: exported.media_type }));
    output.replaceChildren(
      el("div", { class: "export-head" },
        el("strong", {}, `${FORMAT_NAMES[format] || format}: `),
        el("a", { href: url, download: exported.filename, class: "download" }, `download ${exported.filename}`), " ",
        el("button", { type: "button", onclick: () => navigator.clipboard && navigator.clipboard.writeText(exported.text) }, "copy"), " ",
        el("button", { type: "button", onclick: () => { output.hidden = true; } }, "close")),
      el("pre", { class: "export-text", "data-format": format }, exported.text));
    output.hidden = false;
  } catch (error) {
    showError(error);
  }
}

// --- explanations (schema lexlog.explanation/2: a flat table of nodes referring to each other by id) ---------

// `inline`: the root's own line is already on the page (a conclusion's summary), so its reasons come first.
function renderExplanation(document_, inline = false) {
  const prefix = `t${++treeCount}-`;
  const seen = new Set();
  const root = document_.nodes[document_.root];
  if (inline) seen.add(document_.root);
  const top = inline && root.type === "rule"
    ? el("div", { class: "node rule root", id: prefix + document_.root },
        ruleLine(root.rule), citations(root.rule), bindingText(root.binding),
        children(root.premises, document_.nodes, seen, prefix, 0), defeatedList(root, document_.nodes, seen, prefix, 0))
    : renderNode(document_.root, document_.nodes, seen, prefix, 0);
  const tree = el("div", { class: "tree" }, top);
  if (document_.not_in_force && document_.not_in_force.length) {
    tree.append(el("div", { class: "not-in-force" },
      el("strong", {}, `Not in force on ${document_.as_of}:`),
      el("ul", {}, document_.not_in_force.map((entry) => el("li", {}, el("code", {}, entry.label || "rule"), ` (${where(entry.file, entry.line)}): ${entry.reason}`)))));
  }
  return tree;
}

function headline(node) {
  const atom = node.atom || node.goal;
  return [el("span", { class: "reading" }, sentence(node.reading || (atom && atom.text) || "")), " ", atom ? el("code", {}, atom.text) : null];
}

function ruleLine(rule) {
  const name = rule.label ? `rule ${rule.label}` : "rule";
  return el("div", { class: "rule-line" },
    el("span", { class: "rule-name", title: rule.text }, name),
    el("span", { class: "origin", title: rule.span ? rule.span.file : "" }, rule.span ? ` (${where(rule.span.file, rule.span.line)})` : ""));
}

function citations(rule) {
  if (!rule.citations.length && !rule.notes.length) return null;
  return el("div", { class: "citations" },
    rule.citations.length ? el("ul", { class: "cites" }, rule.citations.map((citation) =>
      el("li", {}, citation.citation
        ? el("a", { class: "cite", href: `#authority-${citation.authority}`, "data-authority": citation.authority }, citationText(citation.text, citation.case_name))
        : el("span", { class: "cite unknown", title: "not in the authorities" }, citation.text)))) : null,
    rule.notes.map((note) => el("p", { class: `note ${note.kind}` }, el("em", {}, `Note (${note.kind.replace("_", " ")}): `), note.text)));
}

// A citation as a brief prints it: the case name (which the server marks) in italics, the rest upright.
function citationText(text, caseName) {
  return caseName && text.startsWith(caseName) ? [el("i", {}, caseName), text.slice(caseName.length)] : [text];
}

function bindingText(binding) {
  const pairs = Object.entries(binding || {}).filter(([name]) => !name.startsWith("_"));
  return pairs.length ? el("div", { class: "binding" }, "with ", pairs.map(([name, value]) => `${name} = ${valueText(value)}`).join(", ")) : null;
}

function valueText(value) {
  if (value === null) return "?";
  if (typeof value === "object") return value.number || value.date || JSON.stringify(value);
  return String(value);
}

function originBadge(origin) {
  if (origin.kind === "supposed") return el("span", { class: "badge supposed" }, "supposed");
  if (origin.kind === "asserted") return el("span", { class: "badge asserted" }, "asserted");
  return el("span", { class: "origin fact-origin", title: origin.span ? origin.span.file : "" }, origin.span ? `fact at ${where(origin.span.file, origin.span.line)}` : "fact");
}

function children(ids, nodes, seen, prefix, depth) {
  return ids.length ? el("ul", { class: "premises" }, ids.map((id) => el("li", {}, renderNode(id, nodes, seen, prefix, depth + 1)))) : null;
}

function defeatedList(node, nodes, seen, prefix, depth) {
  if (!node.defeated.length) return null;
  return el("div", { class: "defeated" }, el("span", { class: "help" }, "against:"), children(node.defeated, nodes, seen, prefix, depth));
}

function renderNode(id, nodes, seen, prefix, depth) {
  const node = nodes[id];
  const anchor = prefix + id;
  if (seen.has(id) && node.type !== "fact") {
    return el("div", { class: `node repeat ${node.type}` }, headline(node), " ", el("a", { href: `#${anchor}`, class: "see-above" }, "(shown above)"));
  }
  seen.add(id);
  switch (node.type) {
    case "fact":
      return el("div", { class: `node fact ${node.origin.kind}`, id: anchor }, headline(node), " ", originBadge(node.origin));
    case "rule":
      return el("details", { class: "node rule", id: anchor, open: depth === 0 },
        el("summary", {}, headline(node)),
        ruleLine(node.rule), citations(node.rule), bindingText(node.binding),
        children(node.premises, nodes, seen, prefix, depth), defeatedList(node, nodes, seen, prefix, depth));
    case "absent":
      return el("div", { class: "node absent", id: anchor },
        el("span", { class: "reading" }, sentence(node.reading ? `it does not follow that ${node.reading}` : node.condition)), " ",
        el("code", {}, node.condition), " ", el("span", { class: "origin" }, "not provable"));
    case "comparison":
      return el("div", { class: `node comparison ${node.holds ? "holds" : "fails"}`, id: anchor }, el("code", {}, node.text));
    case "aggregate":
      return el("details", { class: "node aggregate", id: anchor, open: depth === 0 },
        el("summary", {}, el("code", {}, node.text)), children(node.premises, nodes, seen, prefix, depth));
    case "head_mismatch":
      return el("div", { class: "node head-mismatch", id: anchor }, "the rule concludes ", el("code", {}, node.computed ? node.computed.text : "no value"));
    case "defeat":
      return el("details", { class: "node defeat", id: anchor, open: depth === 0 },
        el("summary", {}, defeatText(node)),
        node.rule ? [ruleLine(node.rule), citations(node.rule)] : null,
        node.by ? el("div", { class: "by" }, "overridden by ", ruleLine(node.by)) : null,
        node.condition ? el("div", {}, "refuted: ", el("code", {}, node.condition.text)) : null,
        children(node.premises, nodes, seen, prefix, depth));
    case "why_not":
      return whyNotNode(node, nodes, seen, prefix, depth, anchor);
    default:
      return el("div", { class: "node", id: anchor }, JSON.stringify(node));
  }
}

const DEFEAT_WORDS = {
  overridden: "applies, but is overridden", inapplicable: "does not apply", unsupported: "is not supported",
  prevails: "prevails", conflicts: "conflicts, and neither overrides the other", definite: "follows definitely",
  undecided: "is undecided (a circle)",
};

function defeatText(node) {
  const what = node.rule ? (node.rule.label ? `rule ${node.rule.label}` : "a rule") : "a rule";
  return [`${what} for `, el("code", {}, node.concludes.text), ` ${DEFEAT_WORDS[node.kind] || node.kind}`];
}

const STATUS_WORDS = {
  follows: "it does follow",
  not_a_fact: "not among the facts of the case",
  no_rule: "no rule concludes it, and no fact states it",
  rules_fail: "every rule that could conclude it fails",
  cut_off: "not explored further (depth limit)",
  see_above: "being explained above",
};

const FAILURE_WORDS = {
  missing: "does not hold", present: "holds, but the rule needs it not to", comparison: "is false",
  aggregate: "has no fitting value", head: "concludes another atom", defeated: "is defeated",
};

function whyNotNode(node, nodes, seen, prefix, depth, anchor) {
  const attempts = node.attempts.map((attempt) =>
    el("li", { class: "attempt" },
      el("div", {}, "Under ", ruleLine(attempt.rule)), citations(attempt.rule), bindingText(attempt.head_binding),
      el("ul", { class: "failures" }, attempt.failures.map((failure) =>
        el("li", { class: `failure ${failure.kind}` },
          bindingText(failure.binding),
          el("div", {}, el("code", {}, failure.condition), ` ${FAILURE_WORDS[failure.kind] || failure.kind}:`),
          renderNode(failure.detail, nodes, seen, prefix, depth + 1)))),
      attempt.omitted ? el("p", { class: "help" }, `and ${attempt.omitted} more ways of trying it`) : null));
  return el("details", { class: `node why-not-node ${node.status}`, id: anchor, open: depth <= 1 },
    el("summary", {}, el("span", { class: "status" }, "Why not: "), headline(node), ` — ${STATUS_WORDS[node.status] || node.status}`),
    node.proof ? renderNode(node.proof, nodes, seen, prefix, depth + 1) : null,
    attempts.length ? el("ol", { class: "attempts" }, attempts) : null);
}

async function askWhyNot(atom) {
  const panel = document.getElementById("why-not-answer");
  try {
    const answer = await api("/api/why-not", { atom });
    panel.replaceChildren(el("h3", {}, "Why not ", el("code", {}, atom), "?"), renderExplanation(answer.explanation));
    panel.hidden = false;
    panel.scrollIntoView({ block: "nearest" });
  } catch (error) {
    showError(error);
  }
}

// --- the authorities --------------------------------------------------------------------------------------------

function renderAuthorities(authorities) {
  document.getElementById("authorities").replaceChildren(...authorities.map((authority) =>
    el("li", { id: `authority-${authority.name}`, class: "authority" },
      el("span", { class: "citation" }, citationText(authority.citation, authority.case_name)), " ",
      el("code", { class: "short-name" }, authority.name),
      authority.decided ? el("span", { class: "origin" }, ` decided ${authority.decided}`) : null,
      el("span", { class: "origin", title: authority.file }, ` (${where(authority.file, authority.line)})`))));
}

function renderConstants(constants) {
  document.getElementById("constants").replaceChildren(...constants.map((value) => el("option", { value })));
}

// --- the two forms: a fact to suppose (input predicates), an atom to ask why not (output predicates) -------------

function fillForm(name, declarations) {
  const select = document.getElementById(`${name}-predicate`);
  const chosen = select.value;
  if (select.options.length !== declarations.length) {
    select.replaceChildren(...declarations.map((declaration) => el("option", { value: declaration.predicate }, declaration.predicate)));
    if (chosen) select.value = chosen;
    select.onchange = () => drawFields(name, declarations);
    drawFields(name, declarations);
  }
}

function drawFields(name, declarations) {
  const declaration = declarations.find((item) => item.predicate === document.getElementById(`${name}-predicate`).value);
  if (!declaration) return;
  document.getElementById(`${name}-reading`).textContent = declaration.reading || "";
  const fields = declaration.parameters.map((parameter, position) =>
    el("label", {}, parameter, el("input", { type: "text", name: parameter, list: "constants", autocomplete: "off",
      placeholder: declaration.types[position] || (name === "why-not" ? "any" : "value"), oninput: () => preview(name, declaration) })));
  document.getElementById(`${name}-fields`).replaceChildren(...fields);
  preview(name, declaration);
}

function formAtom(name) {
  const select = document.getElementById(`${name}-predicate`);
  const inputs = [...document.querySelectorAll(`#${name}-fields input`)];
  // An empty field of the why-not form is open: the parameter's name, a variable ("any Defendant").
  const values = inputs.map((input) => input.value.trim() || (name === "why-not" ? input.name : ""));
  return `${select.value}(${values.join(", ")})`;
}

function preview(name) {
  document.getElementById(`${name}-preview`).textContent = formAtom(name);
}

function setUpForms() {
  document.getElementById("suppose-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const fact = formAtom("suppose");
    if (!state.suppose.includes(fact)) changeWhatIf(() => { state.suppose = [...state.suppose, fact]; });
  });
  document.getElementById("why-not-form").addEventListener("submit", (event) => {
    event.preventDefault();
    askWhyNot(formAtom("why-not"));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  readStateFromAddress();
  setUpForms();
  refresh().catch((error) => {
    // a what-if in the address that no longer applies (the files changed): show the case without it
    showError(error);
    state.drop = [];
    state.suppose = [];
    state.as_of = null;
    writeStateToAddress();
    refresh().catch(showError);
  });
});
