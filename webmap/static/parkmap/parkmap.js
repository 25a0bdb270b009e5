/* parkmap.js: the map page's behaviour on top of what Folium writes.
 *
 * - keeps the view (centre, zoom, layers, base map, language, selected feature,
 *   imagery compared) in the URL, so a copied URL opens the same view;
 * - shows a selected feature's details in the panel's card (shell.js): inline
 *   layers carry their escaped HTML, tiled ones fetch it from /map/feature; the
 *   feature stays highlighted; every selection is reported to a parent page;
 * - accepts messages from allowed origins to change layers or focus a park;
 * - cooperative gestures when framed: the wheel zooms only with Ctrl/⌘ or after a
 *   click, so the portal page still scrolls;
 * - the panel (shell.js): its Layers tab, the park search and imagery sliders
 *   moved into it; on the map only zoom, locate, full screen, scale, attribution;
 * - markers that would overlap merge into one (declutter.js); Enter or Space on a
 *   focused marker opens it as a click does.
 */
(function () {
  'use strict';

  var pm = window.parkmap = window.parkmap || {};
  var S = null; // {map, config, overlays, bases, meta, base, selected, parentOrigin}

  function mark(name) {
    if (window.performance && performance.mark && !performance.getEntriesByName(name).length) {
      performance.mark(name);
    }
  }

  function afterPaint(fn) {
    requestAnimationFrame(function () { requestAnimationFrame(fn); });
  }

  /* ---- URL state ---- */
  function visibleLayers() {
    return S.config.overlays.map(function (o) { return o.name; }).filter(function (name) {
      return S.map.hasLayer(S.overlays[name]);
    });
  }

  // The two rasters side by side (webmap/imagery/comparison.py), or null.
  function comparedPair() {
    return pm.compare ? pm.compare.pair() : null;
  }

  function query(lang) {
    var c = S.map.getCenter();
    var p = new URLSearchParams();
    p.set('lang', lang || S.config.lang);
    p.set('center', c.lat.toFixed(5) + ',' + c.lng.toFixed(5));
    p.set('zoom', String(Math.round(S.map.getZoom())));
    p.set('layers', visibleLayers().join(','));
    p.set('base', S.base);
    if (S.selected) { p.set('sel', S.selected.layer + ':' + S.selected.id); }
    if (!S.config.legend) { p.set('legend', '0'); }
    var compared = comparedPair();
    if (compared) { p.set('compare', compared.join(',')); }
    if (S.config.period) { p.set('period', S.config.period); }
    // The land search panel's parameters (webmap/static/land/land-panel.js).
    if (pm.land) { pm.land.params().forEach(function (kv) { p.set(kv[0], kv[1]); }); }
    pm.shell.params().forEach(function (kv) { p.set(kv[0], kv[1]); });
    return p.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  }

  function syncUrl() {
    var qs = query();
    history.replaceState(null, '', location.pathname + '?' + qs);
    document.querySelectorAll('a[data-lang]').forEach(function (a) {
      a.href = location.pathname + '?' + query(a.getAttribute('data-lang'));
    });
    var share = document.getElementById('pm-share');
    if (share) { share.href = location.href; }
  }

  // The panel's period selector (a GET form): the new period with the map's view.
  function periodForm() {
    var form = document.getElementById('pm-period-form');
    if (!form) { return; }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var p = new URLSearchParams(query());
      p.set('period', form.elements.period.value);
      location.assign(location.pathname + '?' + p.toString().replace(/%2C/g, ',').replace(/%3A/g, ':'));
    });
  }

  pm.state = function () {
    var c = S.map.getCenter();
    return {
      center: [c.lat, c.lng], zoom: S.map.getZoom(), layers: visibleLayers(),
      base: S.base, lang: S.config.lang, selected: S.selected, compare: comparedPair()
    };
  };

  /* ---- selection: popups, details, messages ---- */
  function post(message) {
    if (window.parent === window || !S.parentOrigin) { return; }
    message.source = 'parkmap';
    window.parent.postMessage(message, S.parentOrigin);
  }

  function mapUrl() {
    var base = location.origin + location.pathname.replace(/\/embed$/, '/');
    return base + '?' + query();
  }

  // The card's actions beyond the popup's own links (page, 360°).
  function cardActions(el) {
    var t = S.config.texts;
    var layer = el.getAttribute('data-layer');
    var id = el.getAttribute('data-id');
    var out = [];
    if (layer === 'parks' && pm.landSearch) {
      var find = document.createElement('button');
      find.type = 'button';
      find.textContent = t.findLandHere;
      find.addEventListener('click', function () { pm.landSearch([['park', id]]); });
      out.push(find);
    }
    var page = el.querySelector('.pm-page-link a');
    if (layer === 'parcels' && el.getAttribute('data-status') === 'available' && page) {
      var ask = document.createElement('a');
      ask.href = page.getAttribute('href') + '#enquiry';
      ask.textContent = t.askParcel;
      out.push(ask);
    }
    return out;
  }

  function clearHighlight() {
    var h = S.highlight;
    if (!h) { return; }
    if (h.tiled) { h.layer.resetFeatureStyle(h.id); } else if (h.group.resetStyle) { h.group.resetStyle(h.feature); }
    S.highlight = null;
  }

  function highlightTile(layer, id) {
    clearHighlight();
    layer.setFeatureStyle(id, {fill: true, fillColor: '#ffeb3b', fillOpacity: 0.9,
      color: '#000', weight: 2, radius: 7});
    S.highlight = {tiled: true, layer: layer, id: id};
  }

  function highlightInline(group, feature) {
    clearHighlight();
    if (!feature.setStyle) { return; }
    feature.setStyle({color: '#000', weight: 4, dashArray: null, fillOpacity: 0.7});
    if (feature.bringToFront) { feature.bringToFront(); }
    S.highlight = {tiled: false, group: group, feature: feature};
  }

  function onCardClosed() {
    clearHighlight();
    S.selected = null;
    syncUrl();
  }

  // Show a feature's details (the server's escaped HTML) in the panel's card.
  function showDetails(html, opts) {
    var box = document.createElement('div');
    box.innerHTML = html;
    var el = box.querySelector('.pm-popup');
    if (!el) { return; }
    var name = el.querySelector('h3');
    S.selected = {layer: el.getAttribute('data-layer'), id: el.getAttribute('data-id')};
    pm.shell.showCard(html, {actions: cardActions(el), onClose: onCardClosed,
      restoring: opts && opts.restoring, focus: !(opts && opts.restoring)});
    syncUrl();
    post({
      type: 'parkmap:select', layer: S.selected.layer, id: S.selected.id,
      name: name ? name.textContent : '', url: mapUrl()
    });
  }

  // Fetch a feature's details (escaped on the server) into the card.
  pm.openFeature = function (layer, id) {
    var params = new URLSearchParams({layer: layer, id: id, lang: S.config.lang});
    return fetch(S.config.featureUrl + '?' + params, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (data) {
      showDetails(data.html);
      return {data: data};
    }).catch(function () {
      return null;
    });
  };

  function wireTiles() {
    S.config.overlays.forEach(function (meta) {
      var layer = S.overlays[meta.name];
      if (meta.tiled) {
        layer.on('click', function (e) {
          var id = e.layer && e.layer.properties && e.layer.properties[meta.idField];
          if (id === undefined || id === null) { return; }
          pm.openFeature(meta.name, String(id)).then(function (got) {
            if (got) { highlightTile(layer, String(id)); }
          });
        });
        layer.once('tileload', function () { afterPaint(function () { mark('parkmap:first-tile'); }); });
        return;
      }
      // Inline layers: the card instead of Leaflet's popup.
      if (layer.unbindPopup) { layer.unbindPopup(); }
      layer.on('click', function (e) {
        var f = e.layer && e.layer.feature;
        if (!f) { return; }
        if (e.originalEvent) { L.DomEvent.stopPropagation(e.originalEvent); }
        if (e.layer.closeTooltip) { e.layer.closeTooltip(); }
        highlightInline(layer, e.layer);
        if (meta.popups && f.properties._popup) {
          showDetails(f.properties._popup);
        } else {
          pm.openFeature(meta.name, String(f.id)).then(function (got) {
            if (got) { highlightInline(layer, e.layer); }
          });
        }
      });
    });
  }

  // Leaflet gives a keyboard-focusable marker role=button but no name: use its
  // tooltip, on every (re)creation of its icon (declutter.js takes markers off the
  // map and puts them back).
  function nameMarkers(layer) {
    if (!layer.eachLayer) { return; }
    layer.eachLayer(function (l) {
      if (!(l instanceof L.Marker) || l.pmNamed) { return; }
      var name = function () {
        var el = l.getElement();
        var text = pm.markerName(l);
        if (el && text && el.getAttribute('role') === 'button') { el.setAttribute('aria-label', text); }
      };
      l.pmNamed = true;
      l.on('add', name);
      name();
    });
  }

  function openInline(feature) {
    feature.fire('click', {latlng: centreOf(feature)}, true);
  }

  function centreOf(feature) {
    return feature.getBounds ? feature.getBounds().getCenter() : feature.getLatLng();
  }

  function findInline(layerName, id) {
    var layer = S.overlays[layerName];
    var found = null;
    if (layer && layer.eachLayer) {
      layer.eachLayer(function (l) { if (l.feature && String(l.feature.id) === id) { found = l; } });
    }
    return found;
  }

  pm.focusPark = function (id) {
    var inline = findInline('parks', id);
    if (inline) {
      if (!S.map.hasLayer(S.overlays.parks)) { S.map.addLayer(S.overlays.parks); }
      S.map.fitBounds(inline.getBounds(), {maxZoom: 15});
      openInline(inline);
      return;
    }
    pm.openFeature('parks', id).then(function (got) {
      if (got) { S.map.fitBounds(got.data.bounds, {maxZoom: 15}); }
    });
  };

  pm.setLayers = function (names) {
    S.config.overlays.forEach(function (o) {
      var layer = S.overlays[o.name];
      var want = names.indexOf(o.name) >= 0;
      if (want && !S.map.hasLayer(layer)) { S.map.addLayer(layer); }
      if (!want && S.map.hasLayer(layer)) { S.map.removeLayer(layer); }
    });
    syncUrl();
  };

  function parentOrigin() {
    if (window.parent === window) { return null; }
    var origin = null;
    if (location.ancestorOrigins && location.ancestorOrigins.length) {
      origin = location.ancestorOrigins[0];
    } else if (document.referrer) {
      try { origin = new URL(document.referrer).origin; } catch (err) { origin = null; }
    }
    return S.config.origins.indexOf(origin) >= 0 ? origin : null;
  }

  function onMessage(e) {
    if (S.config.origins.indexOf(e.origin) < 0) { return; }
    var d = e.data;
    if (!d || typeof d !== 'object' || typeof d.type !== 'string') { return; }
    if (d.type === 'parkmap:layers' && Array.isArray(d.layers)) {
      pm.setLayers(d.layers.map(String));
    } else if (d.type === 'parkmap:focus' && typeof d.park === 'string') {
      pm.focusPark(d.park);
    }
  }

  /* ---- start ---- */
  function applyView(view) {
    // No animation: the view is final when the page reports itself ready.
    if (view.bounds) {
      S.map.fitBounds(view.bounds, {maxZoom: view.maxZoom || 17, animate: false});
    } else {
      S.map.setView(view.center, view.zoom, {animate: false});
    }
  }

  function restoreSelection() {
    var sel = S.config.selected;
    if (!sel) { return; }
    var inline = findInline(sel.layer, sel.id);
    if (inline && S.map.hasLayer(S.overlays[sel.layer])) { highlightInline(S.overlays[sel.layer], inline); }
    showDetails(sel.html, {restoring: true});
  }

  // The layers of the panel, in its order (landmarks before 360° cameras).
  function markerGroups() {
    var spec = pm.shellLayers;
    if (!spec) { return []; }
    return spec.entries.filter(function (e) { return !e.base; }).map(function (e) {
      return spec.layers[e.key];
    });
  }

  function baseKey(layer) {
    var key = null;
    Object.keys(S.bases).forEach(function (k) { if (S.bases[k] === layer) { key = k; } });
    return key;
  }

  pm.init = function (map, config, overlays, bases) {
    pm.map = map;
    pm.overlays = overlays;
    S = {map: map, config: config, overlays: overlays, bases: bases, base: config.base,
      selected: null, highlight: null};
    S.parentOrigin = parentOrigin();
    map.attributionControl.addAttribution(config.attribution);
    applyView(config.view);
    pm.shell.init();
    pm.shell.buildLayers(map, pm.shellLayers);
    pm.ui.adoptControls(S);
    pm.ui.addLocate(S);
    if (window.innerWidth >= 1024) { pm.ui.addMiniMap(S); }
    pm.ui.addMeasure(S);
    if (config.embed || window.parent !== window) { pm.ui.cooperativeGestures(S); }
    wireTiles();
    Object.keys(overlays).forEach(function (name) { nameMarkers(overlays[name]); });
    map.on('overlayadd', function (e) { nameMarkers(e.layer); });
    S.declutter = pm.declutter(map, markerGroups(), {cluster: config.texts.cluster});
    map.on('moveend overlayadd overlayremove parkmap:compare parkmap:land parkmap:panel', syncUrl);
    window.addEventListener('popstate', function () { syncUrl(); });
    map.on('overlayadd overlayremove', function () { pm.ui.legendForVisible(S); });
    pm.ui.legendForVisible(S);
    map.on('baselayerchange', function (e) {
      S.base = baseKey(e.layer) || S.base;
      if (S.miniMap) { S.miniMap.changeLayer(pm.ui.miniLayer(S, S.base)); }
      syncUrl();
    });
    window.addEventListener('message', onMessage);
    restoreSelection();
    periodForm();
    syncUrl();
    afterPaint(function () { mark('parkmap:overlays-painted'); });
    post({type: 'parkmap:ready', layers: visibleLayers(), lang: config.lang});
    window.dispatchEvent(new CustomEvent('parkmap:ready'));
  };

}());
