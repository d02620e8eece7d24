"""The report page: one self-contained HTML file (its CSS and script inline, no network)."""

TEMPLATE = """<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pamphlet diff: {{ result.summary() }}</title>
<style>
:root { --same: #9aa3ad; --changed: #e8590c; --added: #2b8a3e; --removed: #c92a2a;
        --ink: #1d2329; --line: #dde1e6; --paper: #f4f5f7; --mark: rgba(230, 0, 60, .9); }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, "Noto Sans CJK JP", "Hiragino Sans", sans-serif;
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
@media (max-width: 900px) { .panels, .lower { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
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
</header>
<nav class="strip" aria-label="pages">
{% for view in pages %}
  {% set page = view.page %}
  {% if page.status == "same" %}
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
{% for view in pages if view.page.status != "same" %}
  {% set page = view.page %}
  <section class="page {{ page.status }}" id="{{ view.anchor }}" data-status="{{ page.status }}">
    <h2>{{ view.title }} <span class="status">&mdash;
      {% if page.status == "changed" %}changed {{ page.changed_fraction | percent }},
        {{ page.regions | length }} region{{ "s" if page.regions | length != 1 }}
      {% else %}{{ page.status }}{% endif %}</span></h2>
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
          <li><span class="ctx">&hellip;{{ change.before }}</span>{% if change.old %}<del>{{ change.old }}</del>{% endif %}{% if change.new %}<ins>{{ change.new }}</ins>{% endif %}<span class="ctx">{{ change.after }}&hellip;</span>
            {% if change.box_mm %}<span class="where">at {{ change.box_mm[0] }}, {{ change.box_mm[1] }} mm ({{ change.on }})</span>{% endif %}</li>
        {% endfor %}
        </ol>
        {% else %}
        <p class="none">No text changed: the difference is in the picture only.</p>
        {% endif %}
        </div>
      </div>
    </div>
    {% else %}
    {% set side = "new" if page.status == "added" else "old" %}
    <div class="panels single">
      <figure><figcaption>{{ side }} &middot; page {{ page.new_page if page.status == "added" else page.old_page }}</figcaption>
        <div class="frame"><img src="{{ page.images[side] }}" alt="{{ page.status }} page"></div></figure>
    </div>
    {% if page.text.excerpt %}<p class="ctx">{{ page.text.excerpt }}&hellip;</p>{% endif %}
    {% endif %}
  </section>
{% endfor %}
</main>
<script>
document.querySelectorAll(".onion").forEach(function (onion) {
  var slider = onion.querySelector(".slider"), layer = onion.querySelector(".top");
  function show() { layer.style.opacity = String(slider.value / 100); }
  slider.addEventListener("input", show);
  show();
});
</script>
</body>
</html>
"""
