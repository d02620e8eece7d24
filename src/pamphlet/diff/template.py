"""The report page: one self-contained HTML file (its CSS and script inline, no network)."""

TEMPLATE = """<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pamphlet diff: {{ result.summary() }}</title>
<style>
/*FONTS*/
:root { --same: #9aa3ad; --changed: #e8590c; --added: #2b8a3e; --removed: #c92a2a;
        --ink: #1d2329; --line: #dde1e6; --paper: #f4f5f7; --mark: rgba(230, 0, 60, .9); }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "pamphlet report", system-ui, sans-serif;
       color: var(--ink); background: var(--paper); }
header { padding: 20px 28px 8px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
.files { margin: 0; color: #555; } .files code { background: var(--paper); padding: 1px 5px; }
.summary { display: flex; gap: 10px; list-style: none; padding: 0; margin: 12px 0 6px; }
.summary li { padding: 3px 12px 3px 10px; border-radius: 14px; background: var(--paper); }
.summary li::before { content: ""; display: inline-block; width: 10px; height: 10px;
                      border-radius: 50%; margin-right: 7px; background: var(--same); }
.summary li.changed::before { background: var(--changed); }
.summary li.added::before { background: var(--added); }
.summary li.removed::before { background: var(--removed); } .summary b { font-size: 18px; }
.settings { color: #666; font-size: 13px; margin: 4px 0 8px; }
nav.strip { position: sticky; top: 0; z-index: 5; display: flex; gap: 6px; overflow-x: auto;
            padding: 10px 28px; background: #fff; border-bottom: 1px solid var(--line); }
.tile { flex: 0 0 auto; width: 46px; height: 64px; border: 2px solid var(--line); border-radius: 3px;
        position: relative; display: flex; align-items: flex-end; justify-content: center;
        background: #fff; color: #888; font-size: 11px; text-decoration: none; overflow: hidden; }
.tile img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
.tile span { position: relative; background: rgba(255, 255, 255, .85); padding: 0 3px; }
.tile.changed { border-color: var(--changed); color: var(--changed); font-weight: 700; }
.tile.added { border-color: var(--added); color: var(--added); font-weight: 700; }
.tile.removed { border-color: var(--removed); color: var(--removed); font-weight: 700; opacity: .8; }
.tile.same { opacity: .55; }
main { padding: 8px 28px 40px; }
.nothing { font-size: 18px; padding: 40px 0; }
section.page { background: #fff; border: 1px solid var(--line); border-radius: 6px;
               margin: 22px 0; padding: 14px 18px 18px; border-top: 5px solid var(--changed); }
section.page.added { border-top-color: var(--added); }
section.page.removed { border-top-color: var(--removed); }
h2 { font-size: 18px; margin: 0 0 10px; } h2 .status { font-weight: 400; color: #555; }
.panels { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; }
.panels.single { grid-template-columns: minmax(0, 420px); }
figure { margin: 0; } figcaption { font-size: 13px; color: #555; margin-bottom: 3px; }
.frame { position: relative; border: 1px solid var(--line); background: #fff; line-height: 0; }
.frame img { width: 100%; height: auto; display: block; }
.frame .faded { opacity: .3; filter: grayscale(1); }
.frame .mask { position: absolute; inset: 0; width: 100%; height: 100%; opacity: 1; }
.box { position: absolute; border: 2px solid var(--mark); border-radius: 2px; pointer-events: none;
       outline: 1px solid rgba(255, 255, 255, .8); }
.box.textbox { border: 1.5px dashed #1864ab; outline: none; }
.box.ignored { border: 1px dashed #666; background: repeating-linear-gradient(45deg,
       rgba(120, 120, 120, .18) 0 4px, transparent 4px 8px); }
.lower { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr); gap: 14px;
         margin-top: 16px; }
.zooms { display: flex; flex-wrap: wrap; gap: 12px 22px; margin-bottom: 14px; }
.zoom { display: flex; gap: 6px; align-items: flex-start; }
.zoom .crop { border: 1px solid var(--line); background-repeat: no-repeat; position: relative; }
.zoom .crop span { position: absolute; left: 0; top: 0; font-size: 10px; line-height: 1.2;
                   background: rgba(255, 255, 255, .85); padding: 0 3px; color: #555; }
.onion .stack { position: relative; }
.onion .stack .top { position: absolute; inset: 0; }
.onion label { display: flex; align-items: center; gap: 10px; font-size: 13px; color: #555;
               margin-bottom: 6px; }
.onion input[type=range] { flex: 1; }
.textdiff h3, .onion h3, .details h3 { font-size: 15px; margin: 0 0 6px; }
.textdiff ol { margin: 0; padding-left: 22px; }
.textdiff li { margin-bottom: 6px; word-break: break-all; }
.textdiff .where { color: #888; font-size: 12px; }
.ctx { color: #777; }
del { background: #ffd8d8; color: #a51111; text-decoration: line-through; padding: 0 2px; }
ins { background: #d3f9d8; color: #176b2c; text-decoration: none; padding: 0 2px; }
.none { color: #777; font-style: italic; }
.review, .causes, .moves { background: #fff; border: 1px solid var(--line); border-radius: 6px;
       margin: 16px 0 0; padding: 10px 16px; }
.review.stale { border-left: 6px solid var(--removed); }
.review h2, .causes h2, .moves h2 { font-size: 16px; margin: 0 0 6px; }
.review ul, .causes ul, .moves ul, .changes ul { margin: 0; padding-left: 20px; }
.sources { margin: 0 0 12px; } .sources h3 { font-size: 15px; margin: 0 0 6px; }
.sources li { margin-bottom: 4px; }
.kind { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 8px;
        background: var(--paper); margin-right: 6px; }
.kind.text { background: #ffe8cc; } .kind.moved { background: #d0ebff; }
.kind.reflowed { background: #e5dbff; } .kind.appearance { background: #fff3bf; }
pre.gitdiff { font: 12px/1.4 ui-monospace, "pamphlet report", monospace; background: #f8f9fa;
       border: 1px solid var(--line); padding: 4px 8px; margin: 4px 0; white-space: pre-wrap; }
.moved-tag { color: #1864ab; font-weight: 700; }
.approved { color: var(--added); font-weight: 700; } .stale-tag { color: var(--removed); font-weight: 700; }
.actions { float: right; display: flex; gap: 8px; }
button { font: inherit; font-size: 13px; padding: 2px 10px; border: 1px solid #adb5bd;
         border-radius: 4px; background: #fff; cursor: pointer; }
button.on { background: #1864ab; color: #fff; }
.toolbar { position: fixed; right: 18px; bottom: 18px; z-index: 9; display: flex; gap: 8px;
           align-items: center; background: #fff; border: 1px solid var(--line);
           border-radius: 6px; padding: 6px 10px; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
section.page { scroll-margin-top: 100px; }
section.page.current { outline: 3px solid #1864ab; }
.pin { position: absolute; border: 2px solid #f08c00; background: rgba(255, 212, 59, .25);
       pointer-events: none; }
.pin b { position: absolute; left: -2px; top: -20px; background: #f08c00; color: #fff;
         font-size: 11px; line-height: 18px; padding: 0 5px; border-radius: 3px; }
.pin.pending { border-style: dashed; }
.frame.commenting { cursor: crosshair; }
.comments li { margin-bottom: 3px; }
#pending { display: none; } #pending.shown { display: block; }
#pending textarea { width: 100%; height: 90px; font: 12px ui-monospace, monospace; }
.commentform { display: none; margin: 8px 0; } .commentform.shown { display: flex; gap: 8px; }
.commentform input { flex: 1; font: inherit; }
@media (max-width: 900px) { .panels, .lower { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <p class="actions"><button id="approve-all" type="button">approve this version</button></p>
  <h1>What changed on the pages</h1>
  <p class="files"><code>{{ result.old }}</code> ({{ result.old_count }} pages) &rarr;
     <code>{{ result.new }}</code> ({{ result.new_count }} pages)</p>
  <ul class="summary" id="summary">
  {% for status in ["same", "changed", "added", "removed"] %}
    <li class="{{ status }}"><b>{{ counts[status] }}</b> {{ status }}</li>
  {% endfor %}
  </ul>
  <p class="settings">Inside each page's BleedBox at {{ result.options.dpi | round(0) | int }} dpi;
    a pixel counts when a channel differs by more than {{ result.options.tolerance }}/255 from
    everything around it; regions of fewer than {{ result.options.min_area }} pixels are noise.
    {% if ignore %}Ignored:
      {% for box in ignore %}{{ "every page" if box.page is none else "page %d" % box.page }}
        {{ box.box | join(", ") }} mm ({{ box.source }}){{ "; " if not loop.last }}{% endfor %}.
    {% endif %}
    {{ result.rendered.old + result.rendered.new }} of {{ result.old_count + result.new_count }}
    pages were rendered; the others are identical in the PDF.</p>
  {% for note in result.notes %}<p class="settings">note: {{ note }}</p>{% endfor %}
  {% if review.stale %}
  <section class="review stale" id="stale">
    <h2>Approved pages changed since approval</h2>
    <ul>
    {% for item in review.stale %}
      <li><a href="#page-{{ item.page }}">page {{ item.page if item.page else "(gone)" }}</a>
        {% if item.definition %}({{ item.definition }}){% endif %} &mdash; {{ item.why }}:
        approved as page {{ item.approved_page }} by {{ item.by }} at {{ item.at }}
        (PDF sha256 {{ item.sha256[:12] }})</li>
    {% endfor %}
    </ul>
  </section>
  {% endif %}
  {% if review.approved %}
  <p class="settings approved-list">Approved and unchanged: pages
    {% for item in review.approved %}{{ item.page }}{{ ", " if not loop.last }}{% endfor %}.</p>
  {% endif %}
  {% if causes.files or causes.theme %}
  <section class="causes" id="causes">
    <h2>Changed besides the page definitions' fields ({{ causes["from"] }})</h2>
    <ul>
    {% for item in causes.theme %}
      <li><span class="kind appearance">theme</span>{{ item.file }}:{{ item.line }} {{ item.field }}:
        <del>{{ item.old }}</del> &rarr; <ins>{{ item.new }}</ins></li>
    {% endfor %}
    {% for item in causes.files %}
      <li><span class="kind">{{ item.kind }}</span>{{ item.file }} ({{ item.status }})</li>
    {% endfor %}
    </ul>
  </section>
  {% endif %}
  {% if result.text_moves %}
  <section class="moves" id="moves">
    <h2>Moved text</h2>
    <ul>
    {% for move in result.text_moves %}
      <li class="move"><span class="kind {{ move.kind }}">{{ move.kind }}</span>{{ move.says }}
        <span class="ctx">「{{ move.text }}{{ "…" if move.chars > 40 }}」</span></li>
    {% endfor %}
    </ul>
  </section>
  {% endif %}
  {% if review.comments %}
  <section class="review" id="comments">
    <h2>Comments</h2>
    <ul class="comments">
    {% for item in review.comments %}
      <li><b>#{{ item.id }}</b> page {{ item.page }}{% if item.page != item.was_page %} (pinned on page {{ item.was_page }}){% endif %}{% if item.field %}, {{ item.field }}{% endif %}:
        {{ item.text }} &mdash; {{ item.by }}, {{ item.at }}</li>
    {% endfor %}
    </ul>
  </section>
  {% endif %}
  <section class="review" id="pending">
    <h2>Your review, to record</h2>
    <p class="settings">Run these in the project (they write {{ approvals_file }}), then diff again:</p>
    <textarea id="commands" readonly></textarea>
  </section>
</header>
<nav class="strip" aria-label="pages">
{% for view in pages %}
  {% set page = view.page %}
  {% if page.status == "same" and not view.shown %}
  <span class="tile same" title="page {{ page.new_page }}: same"><span>{{ page.new_page }}</span></span>
  {% else %}
  <a class="tile {{ page.status }}" href="#{{ view.anchor }}"
     title="{{ view.title }}: {{ page.status }}">
    {% if page.images.thumb %}<img src="{{ page.images.thumb }}" alt="" loading="lazy">{% endif %}
    <span>{{ page.new_page if page.new_page else "−%d" % page.old_page }}</span></a>
  {% endif %}
{% endfor %}
</nav>
<main>
{% if not result.differs %}
  <p class="nothing">No page changed.</p>
{% endif %}
{% for view in pages if view.shown %}
  {% set page = view.page %}
  <section class="page {{ page.status }}" id="{{ view.anchor }}" data-status="{{ page.status }}"
           data-page="{{ page.new_page or '' }}" data-mm="{{ view.mm | join(',') }}">
    <p class="actions">{% if page.new_page %}<button class="approve" type="button">approve</button>
      <button class="comment" type="button">comment</button>{% endif %}</p>
    <h2>{{ view.title }} <span class="status">&mdash;
      {% if page.status == "changed" %}{% if page.moved %}<span class="moved-tag">moved from
        page {{ page.old_page }}</span>, {% endif %}changed {{ page.changed_fraction | percent }},
        {{ page.regions | length }} region{{ "s" if page.regions | length != 1 }}
      {% else %}{{ page.status }}{% endif %}
      {% if page.approval %}{% if page.approval.stale %}<span class="stale-tag">approval stale</span>
      {% else %}<span class="approved">approved</span>{% endif %}{% endif %}</span></h2>
    <div class="commentform"><input type="text" placeholder="your comment on the box you clicked"
      aria-label="comment on page {{ page.new_page }}"><button class="pin-it" type="button">pin</button></div>
    {% if page.source %}<p class="pagesource">{{ page.source.says }}</p>
      {% if page.source.git_diff %}<pre class="gitdiff">{{ page.source.git_diff }}</pre>{% endif %}{% endif %}
    {% if page.status == "changed" %}
    <div class="panels">
      <figure><figcaption>old &middot; page {{ page.old_page }}</figcaption>
        <div class="frame"><a href="{{ page.images.old }}"><img src="{{ page.images.old }}"
          alt="old page {{ page.old_page }}"></a>
          {% for box in view.regions %}<div class="box region" style="left:{{ box.left }}%;top:{{ box.top }}%;width:{{ box.width }}%;height:{{ box.height }}%"></div>{% endfor %}
        </div></figure>
      <figure><figcaption>new &middot; page {{ page.new_page }}</figcaption>
        <div class="frame"><a href="{{ page.images.new }}"><img src="{{ page.images.new }}"
          alt="new page {{ page.new_page }}"></a>
          {% for box in view.regions %}<div class="box region" style="left:{{ box.left }}%;top:{{ box.top }}%;width:{{ box.width }}%;height:{{ box.height }}%"></div>{% endfor %}
          {% for box in view.text_boxes %}<div class="box textbox" style="left:{{ box.left }}%;top:{{ box.top }}%;width:{{ box.width }}%;height:{{ box.height }}%"></div>{% endfor %}
          {% for pin in view.pins %}<div class="pin" title="{{ pin.text }}" style="left:{{ pin.left }}%;top:{{ pin.top }}%;width:{{ pin.width }}%;height:{{ pin.height }}%"><b>#{{ pin.id }}</b></div>{% endfor %}
        </div></figure>
      <figure><figcaption>difference (changed pixels in red)</figcaption>
        <div class="frame diff"><img class="faded" src="{{ page.images.new }}" alt="">
          <img class="mask" src="{{ page.images.diff }}" alt="changed pixels of page {{ page.new_page }}">
          {% for box in view.regions %}<div class="box region" style="left:{{ box.left }}%;top:{{ box.top }}%;width:{{ box.width }}%;height:{{ box.height }}%"></div>{% endfor %}
          {% for box in view.ignored %}<div class="box ignored" title="ignored" style="left:{{ box.left }}%;top:{{ box.top }}%;width:{{ box.width }}%;height:{{ box.height }}%"></div>{% endfor %}
        </div></figure>
    </div>
    <div class="lower">
      <div class="onion">
        <h3>Overlay</h3>
        <label>old <input type="range" class="slider" min="0" max="100" value="50"
          aria-label="show old or new page {{ page.new_page }}"> new</label>
        <div class="frame stack"><img src="{{ page.images.old }}" alt="">
          <img class="top" src="{{ page.images.new }}" alt="" style="opacity: 0.5">
          {% for box in view.regions %}<div class="box region" style="left:{{ box.left }}%;top:{{ box.top }}%;width:{{ box.width }}%;height:{{ box.height }}%"></div>{% endfor %}
        </div>
      </div>
      <div class="details">
        {% if view.sources %}
        <div class="sources">
        <h3>What made it</h3>
        <ul>
        {% for item in view.sources %}
          <li><span class="kind {{ item.kind }}">{{ item.kind }}</span>{{ item.says }}
            {% if item.git_diff %}<pre class="gitdiff">{{ item.git_diff }}</pre>{% endif %}</li>
        {% endfor %}
        </ul>
        </div>
        {% endif %}
        {% if view.zooms %}
        <h3>Changed regions, enlarged</h3>
        <div class="zooms">
        {% for zoom in view.zooms %}
          <div class="zoom">
          {% for side in ["old", "new"] %}
            <div class="crop" style="width:{{ zoom.width }}px;height:{{ zoom.height }}px;background-image:url('{{ page.images[side] }}');background-size:{{ zoom.size[0] }}px {{ zoom.size[1] }}px;background-position:-{{ zoom.x }}px -{{ zoom.y }}px"><span>{{ side }}</span></div>
          {% endfor %}
          </div>
        {% endfor %}
        </div>
        {% endif %}
        <div class="textdiff">
        <h3>Text</h3>
        {% if view.texts %}
        <ol>
        {% for change in view.texts %}
          <li>{% if change.moved %}<span class="moved-tag">{% if change.moved.to_page %}moved to page {{ change.moved.to_page }}{% else %}moved from page {{ change.moved.from_page }}{% endif %}</span> {% endif %}<span class="ctx">&hellip;{{ change.before }}</span>{% if change.old %}<del>{{ change.old }}</del>{% endif %}{% if change.new %}<ins>{{ change.new }}</ins>{% endif %}<span class="ctx">{{ change.after }}&hellip;</span>
            {% if change.box_mm %}<span class="where">at {{ change.box_mm[0] }}, {{ change.box_mm[1] }} mm ({{ change.on }})</span>{% endif %}
            {% if change.source %}<span class="where">&mdash; {{ change.source.says }}</span>{% endif %}</li>
        {% endfor %}
        </ol>
        {% else %}
        <p class="none">No text changed: the difference is in the picture only.</p>
        {% endif %}
        </div>
      </div>
    </div>
    {% else %}
    {% set side = "old" if page.status == "removed" else "new" %}
    <div class="panels single">
      <figure><figcaption>{{ side }} &middot; page {{ page.old_page if page.status == "removed" else page.new_page }}</figcaption>
        <div class="frame{{ ' newside' if side == 'new' }}"><img src="{{ page.images[side] }}" alt="{{ page.status }} page">
          {% for pin in view.pins %}<div class="pin" title="{{ pin.text }}" style="left:{{ pin.left }}%;top:{{ pin.top }}%;width:{{ pin.width }}%;height:{{ pin.height }}%"><b>#{{ pin.id }}</b></div>{% endfor %}
        </div></figure>
    </div>
    {% if page.text.excerpt %}<p class="ctx">{{ page.text.excerpt }}&hellip;</p>{% endif %}
    {% endif %}
  </section>
{% endfor %}
</main>
<div class="toolbar" id="toolbar">
  <button id="prev" type="button" title="previous change (k)">&#9664; previous</button>
  <span id="position">{{ shown_count }} shown</span>
  <button id="next" type="button" title="next change (j)">next &#9654;</button>
</div>
<script>
document.querySelectorAll(".onion").forEach(function (onion) {
  var slider = onion.querySelector(".slider"), layer = onion.querySelector(".top");
  function show() { layer.style.opacity = String(slider.value / 100); }
  slider.addEventListener("input", show);
  show();
});
(function () {
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.page"));
  var current = -1, position = document.getElementById("position");
  function go(step) {
    if (!sections.length) { return; }
    current = Math.max(0, Math.min(sections.length - 1, current + step));
    sections.forEach(function (s, i) { s.classList.toggle("current", i === current); });
    sections[current].scrollIntoView({block: "start"});
    position.textContent = (current + 1) + " / " + sections.length;
    history.replaceState(null, "", "#" + sections[current].id);
  }
  document.getElementById("next").addEventListener("click", function () { go(1); });
  document.getElementById("prev").addEventListener("click", function () { go(-1); });
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA") { return; }
    if (e.key === "j") { go(1); } else if (e.key === "k") { go(-1); }
  });
  // Approve and comment: a file:// page cannot write the repository, so it writes the
  // commands that do (pamphlet approve / pamphlet comment) for the reviewer to run.
  var pdf = {{ new_pdf | tojson }}, file = {{ approvals_file | tojson }}, lines = [];
  var pending = document.getElementById("pending"), commands = document.getElementById("commands");
  function quote(text) { return "'" + String(text).replace(/'/g, "'\\\\''") + "'"; }
  function record(line) {
    lines.push(line);
    commands.value = lines.join("\\n");
    pending.classList.add("shown");
  }
  document.getElementById("approve-all").addEventListener("click", function () {
    record("pamphlet approve " + quote(pdf) + " --file " + quote(file));
  });
  sections.forEach(function (section) {
    var page = section.dataset.page, approve = section.querySelector("button.approve");
    if (!page) { return; }
    approve.addEventListener("click", function () {
      record("pamphlet approve " + quote(pdf) + " --pages " + page + " --file " + quote(file));
      approve.classList.add("on");
      approve.textContent = "approved";
    });
    var button = section.querySelector("button.comment"), form = section.querySelector(".commentform");
    var frame = section.querySelector(".panels figure:nth-child(2) .frame") ||
                section.querySelector(".frame.newside"), clicked = null;
    if (!frame) { button.disabled = true; return; }
    var mm = section.dataset.mm.split(",").map(Number);   // width, height, left, top (mm)
    button.addEventListener("click", function () {
      frame.classList.toggle("commenting");
      button.classList.toggle("on");
    });
    frame.addEventListener("click", function (event) {
      if (!frame.classList.contains("commenting")) { return; }
      event.preventDefault();
      var r = frame.getBoundingClientRect();
      var x = (event.clientX - r.left) / r.width * mm[0] - mm[2];
      var y = (event.clientY - r.top) / r.height * mm[1] - mm[3];
      clicked = [Math.max(0, x - 15), Math.max(0, y - 5), 30, 10].map(function (v) {
        return Math.round(v * 10) / 10; });
      var pin = document.createElement("div");
      pin.className = "pin pending";
      pin.style.left = (100 * (clicked[0] + mm[2]) / mm[0]) + "%";
      pin.style.top = (100 * (clicked[1] + mm[3]) / mm[1]) + "%";
      pin.style.width = (100 * clicked[2] / mm[0]) + "%";
      pin.style.height = (100 * clicked[3] / mm[1]) + "%";
      pin.innerHTML = "<b>new</b>";
      frame.appendChild(pin);
      form.classList.add("shown");
      form.querySelector("input").focus();
    });
    form.querySelector("button.pin-it").addEventListener("click", function () {
      var text = form.querySelector("input").value.trim();
      if (!clicked || !text) { return; }
      record("pamphlet comment " + quote(pdf) + " --page " + page + " --box " +
             clicked.join(",") + " --text " + quote(text) + " --file " + quote(file));
      form.classList.remove("shown");
      frame.classList.remove("commenting");
      button.classList.remove("on");
    });
  });
  if (location.hash) {
    var at = sections.map(function (s) { return "#" + s.id; }).indexOf(location.hash);
    if (at >= 0) { current = at - 1; go(1); }
  }
})();
</script>
</body>
</html>
"""
