/* land-page.js: the /land page: its map, its search, the search kept in the URL. */
(function () {
  'use strict';

  var land = window.parkmapLand;
  var config = JSON.parse(document.getElementById('land-config').textContent);

  var map = L.map('land-map', {minZoom: 3, maxZoom: 19, zoomControl: false});
  L.control.zoom({zoomInTitle: config.texts.zoomIn, zoomOutTitle: config.texts.zoomOut}).addTo(map);
  if (config.base) {
    L.tileLayer(config.base.url, {attribution: config.base.attribution, maxZoom: 19,
      subdomains: 'abc'}).addTo(map);
  }
  map.fitBounds([[20.6, 106.4], [21.0, 107.05]]); // Hai Phong until results come
  // The panel beside the map (a sheet on phones): shell.js resizes the map with it.
  var pm = window.parkmap = window.parkmap || {};
  pm.map = map;
  pm.shell.init();

  // The URL, the language links and the share link carry the search.
  function syncUrl(pairs) {
    var qs = land.queryString(pairs);
    var own = config.pageUrl + '?' + land.queryString([['lang', config.lang]].concat(pairs));
    history.replaceState(null, '', own);
    document.querySelectorAll('a[data-lang]').forEach(function (a) {
      var lang = a.getAttribute('data-lang');
      a.href = config.pageUrl + '?lang=' + encodeURIComponent(lang) + (qs ? '&' + qs : '');
    });
    var share = document.getElementById('land-share');
    if (share) { share.href = location.href; }
  }

  var search = land.create({
    form: document.getElementById('land-form'),
    root: document.getElementById('land-results'),
    map: map,
    config: config,
    onParams: syncUrl
  });
  land.current = search;

  // The server already listed the first page; draw it on the map as well (unless
  // the URL's search was refused: its message stays on the page).
  if (document.getElementById('land-message').hidden) {
    var offset = Number(new URLSearchParams(location.search).get('offset')) || 0;
    search.run({offset: offset}).then(function () {
      window.dispatchEvent(new CustomEvent('parkmap:land-ready'));
    });
  }
}());
