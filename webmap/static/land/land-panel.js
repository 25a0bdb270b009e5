/* land-panel.js: the map page's "Find land" button and panel (after land.js).
 *
 * The panel's form and list come from /land/panel the first time it opens (at load
 * when the page URL carries a search). While it is open, parkmap.js adds the
 * search's parameters and land=1 to the map URL (parkmap.land.params), so a copied
 * link reopens the panel on the same search; closing it clears the results.
 */
(function () {
  'use strict';

  var land = window.parkmapLand;
  var pm = window.parkmap = window.parkmap || {};

  var FLAG = 'land'; // in the map URL while the panel is open

  function landPairs(search) {
    var pairs = [];
    new URLSearchParams(search).forEach(function (value, key) {
      if (land.isLandParam(key) && value.trim()) { pairs.push([key, value]); }
    });
    return pairs;
  }

  function button(container, text) {
    var b = L.DomUtil.create('button', 'land-toggle', container);
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-expanded', 'false');
    return b;
  }

  land.panel = function (map, cfg) {
    var initial = landPairs(location.search);
    var state = {open: false, search: null, pairs: initial, loading: null};
    var box = null;
    var toggle = null;
    var Control = L.Control.extend({
      onAdd: function () {
        var div = L.DomUtil.create('div', 'leaflet-control land-control');
        toggle = button(div, cfg.texts.open);
        // The panel lies over the map's left side, above the corners' controls.
        box = L.DomUtil.create('div', 'land-panel', map.getContainer());
        box.id = 'land-panel';
        box.hidden = true;
        toggle.setAttribute('aria-controls', box.id);
        [div, box].forEach(function (el) {
          L.DomEvent.disableClickPropagation(el);
          L.DomEvent.disableScrollPropagation(el);
        });
        return div;
      }
    });
    new Control({position: 'topleft'}).addTo(map);

    function changed(pairs) {
      state.pairs = pairs;
      map.fire('parkmap:land');
    }

    function load() {
      var pairs = [['lang', cfg.lang]].concat(state.pairs);
      state.loading = fetch(cfg.panelUrl + '?' + land.queryString(pairs), {credentials: 'same-origin'})
        .then(function (r) { return r.text(); })
        .then(function (html) {
          box.innerHTML = html; // our own server's escaped template
          var config = JSON.parse(box.querySelector('#land-config').textContent);
          var form = box.querySelector('#land-form');
          state.search = land.create({
            form: form, root: box.querySelector('#land-results'), map: map,
            config: config, onParams: changed
          });
          land.current = state.search;
          box.querySelector('#land-reset').addEventListener('click', function (e) {
            e.preventDefault();
            form.reset();
            form.querySelectorAll('input[type=number]').forEach(function (i) { i.value = ''; });
            form.querySelectorAll('select[multiple] option').forEach(function (o) { o.selected = false; });
            form.querySelectorAll('input[name=status]').forEach(function (i) { i.checked = i.value === 'available'; });
            form.querySelector('input[name=ready]').checked = false;
            state.search.run();
          });
          if (!box.querySelector('#land-message').hidden) { return null; }
          var offset = Number(new URLSearchParams(location.search).get('offset')) || 0;
          var fit = !/[?&]center=/.test(location.search);
          return state.search.run({offset: offset, fit: fit});
        })
        .then(function () { window.dispatchEvent(new CustomEvent('parkmap:land-ready')); });
    }

    function open() {
      state.open = true;
      box.hidden = false;
      toggle.setAttribute('aria-expanded', 'true');
      toggle.textContent = cfg.texts.close;
      if (!state.loading) { load(); } else if (state.search) { state.search.run(); }
    }

    function close() {
      state.open = false;
      box.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      toggle.textContent = cfg.texts.open;
      if (state.search) { state.search.clear(); }
      changed([]);
    }

    toggle.addEventListener('click', function () { if (state.open) { close(); } else { open(); } });
    pm.land = {params: function () { return state.open ? [[FLAG, '1']].concat(state.pairs) : []; }};
    if (initial.length || new URLSearchParams(location.search).get(FLAG) === '1') { open(); }
  };
}());
