/* shell.js: the map pages' panel (webmap/templates/map/_shell.html), before parkmap.js.
 *
 * - tabs (Layers, Key figures, Find land, Legend; the planner's Site clearance) as an
 *   ARIA tablist: click, arrow keys, Home/End;
 * - wide screens: a side panel beside the map, closed and opened by its handle;
 *   below 768 px: a bottom sheet at peek, half or full height — drag the handle, tap
 *   it, or use the arrow keys on it;
 * - the details card of a selected feature, closed by its button, Escape or the
 *   browser's back button;
 * - the Layers tab, built from what ShellLayers (webmap/core/shell.py) lists;
 *   it fires the map events Leaflet's layer control would (overlayadd, …).
 * Which tab is open and the sheet's height are in the page URL (pm.shell.params).
 * All text is set with textContent; only the server's escaped popup HTML is
 * inserted as HTML.
 */
(function () {
  'use strict';

  var pm = window.parkmap = window.parkmap || {};
  var shell = pm.shell = {};
  var NARROW = window.matchMedia('(max-width: 767.98px)');
  var SHEETS = ['peek', 'half', 'full'];
  var el = {};
  var state = {tab: 'none', last: null, sheet: 'peek', card: null, listeners: {}, ready: false};

  function $(id) { return document.getElementById(id); }

  function changed() {
    if (pm.map) { pm.map.fire('parkmap:panel'); }
  }

  function resized() {
    if (!pm.map) { return; }
    // After the layout settles: the map's size changes with the panel's.
    requestAnimationFrame(function () { pm.map.invalidateSize({pan: false}); });
  }

  function tabs() { return Array.prototype.slice.call(el.sheet.querySelectorAll('[role=tab]')); }

  function notify(tab, open) {
    (state.listeners[tab] || []).forEach(function (fn) { fn(open); });
  }

  /* ---- tabs and open/closed ---- */
  shell.select = function (tab, opts) {
    opts = opts || {};
    var before = state.tab;
    if (tab !== 'none' && !$('pm-pane-' + tab)) { tab = tabs()[0].getAttribute('data-tab'); }
    if (state.card && !opts.keepCard) { shell.closeCard({silent: true}); }
    state.tab = tab;
    if (tab !== 'none') { state.last = tab; }
    tabs().forEach(function (b) {
      var on = b.getAttribute('data-tab') === tab;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on || (tab === 'none' && b.getAttribute('data-tab') === state.last) ? 0 : -1;
      $(b.getAttribute('aria-controls')).hidden = !on || !!state.card;
    });
    el.sheet.setAttribute('data-tab', tab);
    var open = tab !== 'none';
    el.handle.setAttribute('aria-expanded', open ? 'true' : 'false');
    el.handle.setAttribute('aria-label', el.handle.getAttribute(open ? 'data-label-close' : 'data-label-open'));
    if (NARROW.matches && open && state.sheet === 'peek' && opts.user) { shell.setSheet('half'); }
    if (before !== tab) {
      if (before !== 'none') { notify(before, false); }
      if (open) { notify(tab, true); }
      if (!NARROW.matches) { resized(); }
    }
    changed();
  };

  shell.onTab = function (tab, fn) {
    (state.listeners[tab] = state.listeners[tab] || []).push(fn);
    if (state.ready && state.tab === tab) { fn(true); }
  };

  shell.tab = function () { return state.tab; };

  shell.setSheet = function (height) {
    if (SHEETS.indexOf(height) < 0) { return; }
    state.sheet = height;
    el.sheet.setAttribute('data-sheet', height);
    el.sheet.style.removeProperty('--pm-drag');
    changed();
  };

  shell.params = function () {
    return [['tab', state.tab], ['sheet', state.sheet]];
  };

  function onTabKey(e) {
    var list = tabs();
    var i = list.indexOf(e.target);
    var next = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { next = list[(i + 1) % list.length]; }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { next = list[(i - 1 + list.length) % list.length]; }
    if (e.key === 'Home') { next = list[0]; }
    if (e.key === 'End') { next = list[list.length - 1]; }
    if (!next) { return; }
    e.preventDefault();
    next.focus();
    shell.select(next.getAttribute('data-tab'), {user: true});
  }

  function onTabClick(e) {
    var tab = e.currentTarget.getAttribute('data-tab');
    if (tab === state.tab && !state.card && !NARROW.matches) {
      shell.select('none');
      return;
    }
    shell.select(tab, {user: true});
  }

  /* ---- the handle: close/open (wide), sheet height (narrow) ---- */
  function onHandleClick() {
    if (el.dragged) { el.dragged = false; return; }
    if (NARROW.matches) {
      var i = SHEETS.indexOf(state.sheet);
      if (state.tab === 'none') { shell.select(state.last || tabs()[0].getAttribute('data-tab')); }
      shell.setSheet(SHEETS[(i + 1) % SHEETS.length]);
      return;
    }
    shell.select(state.tab === 'none' ? (state.last || tabs()[0].getAttribute('data-tab')) : 'none');
  }

  function onHandleKey(e) {
    if (!NARROW.matches) { return; }
    var i = SHEETS.indexOf(state.sheet);
    if (e.key === 'ArrowUp' && i < SHEETS.length - 1) { shell.setSheet(SHEETS[i + 1]); }
    else if (e.key === 'ArrowDown' && i > 0) { shell.setSheet(SHEETS[i - 1]); }
    else { return; }
    e.preventDefault();
    if (state.tab === 'none') { shell.select(state.last || tabs()[0].getAttribute('data-tab')); }
  }

  function dragging() {
    var start = null;
    el.handle.addEventListener('pointerdown', function (e) {
      if (!NARROW.matches) { return; }
      start = {y: e.clientY, h: el.sheet.getBoundingClientRect().height, moved: false};
      el.handle.setPointerCapture(e.pointerId);
    });
    el.handle.addEventListener('pointermove', function (e) {
      if (!start) { return; }
      var dy = start.y - e.clientY;
      if (Math.abs(dy) > 6) { start.moved = true; }
      if (start.moved) { el.sheet.style.setProperty('--pm-drag', Math.max(56, start.h + dy) + 'px'); }
    });
    function end() {
      if (!start) { return; }
      if (start.moved) {
        var h = el.sheet.getBoundingClientRect().height / el.shell.getBoundingClientRect().height;
        shell.setSheet(h < 0.3 ? 'peek' : (h < 0.75 ? 'half' : 'full'));
        if (state.tab === 'none' && h >= 0.3) { shell.select(state.last || tabs()[0].getAttribute('data-tab')); }
        el.dragged = true; // the click that follows a drag is not a tap
        setTimeout(function () { el.dragged = false; }, 0);
      }
      start = null;
    }
    el.handle.addEventListener('pointerup', end);
    el.handle.addEventListener('pointercancel', end);
  }

  /* ---- the details card ---- */
  shell.showCard = function (html, opts) {
    opts = opts || {};
    var box = document.createElement('div');
    box.innerHTML = html; // the server's escaped popup HTML (webmap/mapview/popups.py)
    var title = box.querySelector('h3');
    el.cardTitle.textContent = title ? title.textContent : '';
    if (title) { title.remove(); }
    el.cardBody.replaceChildren(box);
    el.cardActions.replaceChildren.apply(el.cardActions, opts.actions || []);
    var wasOpen = !!state.card;
    state.card = {onClose: opts.onClose || null};
    el.card.hidden = false;
    tabs().forEach(function (b) { $(b.getAttribute('aria-controls')).hidden = true; });
    if (state.tab === 'none') { shell.select(state.last || tabs()[0].getAttribute('data-tab'), {keepCard: true}); }
    if (NARROW.matches && state.sheet === 'peek') { shell.setSheet('half'); }
    if (!wasOpen && !opts.restoring) { history.pushState({parkmapCard: true}, '', location.href); }
    if (opts.focus !== false) { el.cardClose.focus({preventScroll: true}); }
    changed();
  };

  shell.closeCard = function (opts) {
    opts = opts || {};
    if (!state.card) { return; }
    var onClose = state.card.onClose;
    state.card = null;
    el.card.hidden = true;
    el.cardBody.replaceChildren();
    tabs().forEach(function (b) {
      $(b.getAttribute('aria-controls')).hidden = b.getAttribute('aria-selected') !== 'true';
    });
    if (onClose) { onClose(); }
    if (!opts.fromHistory && history.state && history.state.parkmapCard) { history.back(); }
    changed();
  };

  shell.cardOpen = function () { return !!state.card; };

  /* ---- the Layers tab ---- */
  function fire(map, type, entry, layer) {
    map.fire(type, {layer: layer, name: entry.name});
  }

  shell.buildLayers = function (map, spec) {
    var host = $('pm-layers');
    if (!host || !spec) { return; }
    var inputs = {};
    var n = 0;
    spec.groups.forEach(function (group) {
      var members = spec.entries.filter(function (e) { return e.group === group[0]; });
      if (!members.length) { return; }
      var set = document.createElement('fieldset');
      set.className = 'pm-layer-group';
      set.setAttribute('data-group', group[0]);
      var legend = document.createElement('legend');
      legend.textContent = group[1];
      set.appendChild(legend);
      members.forEach(function (entry) {
        var layer = spec.layers[entry.key];
        var id = 'pm-layer-' + (n += 1);
        var row = document.createElement('div');
        row.className = 'pm-layer';
        var input = document.createElement('input');
        input.type = entry.base ? 'radio' : 'checkbox';
        if (entry.base) { input.name = 'pm-base'; }
        input.id = id;
        input.value = entry.key;
        input.checked = map.hasLayer(layer);
        var label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = entry.name;
        row.appendChild(input);
        row.appendChild(label);
        if (entry.help) {
          var help = document.createElement('p');
          help.className = 'pm-help';
          help.id = id + '-help';
          help.textContent = entry.help;
          input.setAttribute('aria-describedby', help.id);
          row.appendChild(help);
        }
        set.appendChild(row);
        inputs[entry.key] = input;
        input.addEventListener('change', function () {
          if (entry.base) {
            spec.entries.forEach(function (other) {
              if (other.base && other !== entry) { map.removeLayer(spec.layers[other.key]); }
            });
            map.addLayer(layer);
            fire(map, 'baselayerchange', entry, layer);
          } else if (input.checked) {
            map.addLayer(layer);
          } else {
            map.removeLayer(layer);
          }
        });
        // Like Leaflet's layer control: changes from anywhere tick the box and tell the map.
        layer.on('add remove', function (e) {
          input.checked = e.type === 'add';
          if (!entry.base) { fire(map, e.type === 'add' ? 'overlayadd' : 'overlayremove', entry, layer); }
        });
      });
      host.appendChild(set);
    });
    shell.layerInputs = inputs;
  };

  // Move a Leaflet control's box (imagery opacity, park search) into the panel.
  shell.adopt = function (container, hostSelector, first) {
    var host = document.querySelector(hostSelector);
    if (!container || !host) { return false; }
    container.classList.remove('leaflet-control');
    container.classList.add('pm-adopted');
    if (first) { host.insertBefore(container, host.firstChild); } else { host.appendChild(container); }
    return true;
  };

  shell.narrow = function () { return NARROW.matches; };

  /* ---- start ---- */
  shell.init = function () {
    el.sheet = $('pm-sheet');
    if (!el.sheet) { return false; }
    el.shell = el.sheet.parentNode;
    el.handle = $('pm-sheet-handle');
    el.card = $('pm-card');
    el.cardTitle = $('pm-card-title');
    el.cardBody = $('pm-card-body');
    el.cardActions = $('pm-card-actions');
    el.cardClose = $('pm-card-close');
    state.sheet = el.sheet.getAttribute('data-sheet') || 'peek';
    state.tab = el.sheet.getAttribute('data-tab') || 'none';
    state.last = state.tab !== 'none' ? state.tab : tabs()[0].getAttribute('data-tab');
    tabs().forEach(function (b) {
      b.addEventListener('click', onTabClick);
      b.addEventListener('keydown', onTabKey);
    });
    el.handle.addEventListener('click', onHandleClick);
    el.handle.addEventListener('keydown', onHandleKey);
    dragging();
    el.cardClose.addEventListener('click', function () { shell.closeCard(); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && state.card) { shell.closeCard(); }
    });
    window.addEventListener('popstate', function () {
      if (state.card) { shell.closeCard({fromHistory: true}); }
    });
    NARROW.addEventListener('change', resized);
    state.ready = true;
    if (state.tab !== 'none') { notify(state.tab, true); }
    return true;
  };
}());
