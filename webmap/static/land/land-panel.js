/* land-panel.js: the map page's "Find land" tab of the panel (after land.js).
 *
 * The tab's form and list come from /land/panel the first time it opens (at load
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

  land.panel = function (map, cfg) {
    var initial = landPairs(location.search);
    var state = {open: false, search: null, pairs: initial, loading: null};
    var box = document.getElementById('pm-land'); // the panel's Find land tab
    if (!box) { return; }
    L.DomEvent.disableClickPropagation(box);

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
      if (state.open) { return; }
      state.open = true;
      if (!state.loading) { load(); } else if (state.search) { state.search.run(); }
    }

    function close() {
      if (!state.open) { return; }
      state.open = false;
      if (state.search) { state.search.clear(); }
      changed([]);
    }

    // "Find land here" on a park's card: this tab, searching that park.
    pm.landSearch = function (pairs) {
      state.pairs = pairs;
      if (state.search) {
        box.querySelectorAll('#land-form select[name=park] option').forEach(function (o) {
          o.selected = pairs.some(function (kv) { return kv[0] === 'park' && kv[1] === o.value; });
        });
        if (state.open) { state.search.run({fit: true}); }
      }
      pm.shell.select('land', {user: true}); // opens the tab: loads or runs the search
    };

    pm.land = {params: function () { return state.open ? [[FLAG, '1']].concat(state.pairs) : []; }};
    pm.shell.onTab('land', function (on) { if (on) { open(); } else { close(); } });
  };
}());
