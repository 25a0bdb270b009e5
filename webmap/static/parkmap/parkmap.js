/* parkmap.js: the map page's behaviour on top of what Folium writes.
 *
 * - keeps the view (centre, zoom, layers, base map, language, selected feature,
 *   imagery compared) in the URL, so a copied URL opens the same view;
 * - opens feature details for tiled layers (fetched from /map/feature, HTML escaped
 *   on the server) and reports every selection to a parent page by postMessage;
 * - accepts messages from allowed origins to change layers or focus a park;
 * - cooperative gestures when framed: the wheel zooms only with Ctrl/⌘ or after a
 *   click, so the portal page still scrolls;
 * - legend, key figures, minimap and measuring tool as Leaflet controls.
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

  // The two rasters side by side (webmap/rasters_comparison.py), or null.
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
    // The land search panel's parameters (webmap/static/land/land-panel.js).
    if (pm.land) { pm.land.params().forEach(function (kv) { p.set(kv[0], kv[1]); }); }
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

  function selectFrom(popup) {
    var root = popup && popup.getElement();
    var el = root && root.querySelector('.pm-popup');
    if (!el) { return; }
    var title = el.querySelector('h3');
    var layer = el.getAttribute('data-layer');
    var id = el.getAttribute('data-id');
    if (S.selected && S.selectedPopup === popup && S.selected.layer === layer && S.selected.id === id) {
      return; // already reported
    }
    S.selected = {layer: layer, id: id};
    S.selectedPopup = popup;
    syncUrl();
    post({
      type: 'parkmap:select', layer: S.selected.layer, id: S.selected.id,
      name: title ? title.textContent : '', url: mapUrl()
    });
  }

  function onPopupClose(e) {
    if (S.highlight && S.highlight.popup === e.popup) {
      S.highlight.layer.resetFeatureStyle(S.highlight.id);
      S.highlight = null;
    }
    if (S.selectedPopup === e.popup) {
      S.selected = null;
      S.selectedPopup = null;
      syncUrl();
    }
  }

  // Fetch a feature's details (escaped on the server) into a popup at latlng, or at
  // the feature when latlng is null.
  pm.openFeature = function (layer, id, latlng) {
    var params = new URLSearchParams({layer: layer, id: id, lang: S.config.lang});
    var popup = L.popup({maxWidth: 360, maxHeight: 340}).setContent(S.config.texts.loading);
    if (latlng) { popup.setLatLng(latlng).openOn(S.map); }
    return fetch(S.config.featureUrl + '?' + params, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (data) {
      if (!latlng) { popup.setLatLng(data.center).openOn(S.map); }
      popup.setContent(data.html);
      selectFrom(popup);
      return {data: data, popup: popup};
    }).catch(function () {
      if (latlng) { popup.setContent(S.config.texts.failed); }
      return null;
    });
  };

  function highlight(layer, id, popup) {
    if (S.highlight) { S.highlight.layer.resetFeatureStyle(S.highlight.id); }
    layer.setFeatureStyle(id, {fill: true, fillColor: '#ffeb3b', fillOpacity: 0.9,
      color: '#000', weight: 2, radius: 7});
    S.highlight = {layer: layer, id: id, popup: popup};
  }

  function wireTiles() {
    S.config.overlays.forEach(function (meta) {
      var layer = S.overlays[meta.name];
      if (meta.tiled) {
        layer.on('click', function (e) {
          var id = e.layer && e.layer.properties && e.layer.properties[meta.idField];
          if (id === undefined || id === null) { return; }
          pm.openFeature(meta.name, String(id), e.latlng).then(function (got) {
            if (got) { highlight(layer, String(id), got.popup); }
          });
        });
        layer.once('tileload', function () { afterPaint(function () { mark('parkmap:first-tile'); }); });
      } else if (meta.popups) {
        // Moving from one feature to another reuses the layer's open popup, which
        // fires no popupopen: read the selection after every click instead.
        layer.on('click', function () {
          setTimeout(function () {
            var popup = layer.getPopup();
            if (popup && popup.isOpen()) { selectFrom(popup); }
          }, 0);
        });
      } else {
        layer.on('click', function (e) {
          var f = e.layer && e.layer.feature;
          if (f) { pm.openFeature(meta.name, String(f.id), e.latlng); }
        });
      }
    });
  }

  function openInline(feature, latlng) {
    feature.fire('click', {latlng: latlng || centreOf(feature)}, true);
    feature.closeTooltip(); // a click opens the hover tooltip too (for touch)
    Object.keys(S.overlays).forEach(function (name) {
      if (S.overlays[name].closeTooltip) { S.overlays[name].closeTooltip(); }
    });
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
      openInline(inline, null);
      return;
    }
    pm.openFeature('parks', id, null).then(function (got) {
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
    var meta = S.config.overlays.filter(function (o) { return o.name === sel.layer; })[0];
    // Opening the popup must not pan away from a centre and zoom the URL asked for.
    var pan = !S.config.view.center;
    if (inline && meta && meta.popups && S.map.hasLayer(S.overlays[sel.layer])) {
      var shared = S.overlays[sel.layer].getPopup();
      var autoPan = shared.options.autoPan;
      shared.options.autoPan = pan;
      openInline(inline, L.latLng(sel.center));
      shared.options.autoPan = autoPan;
      return;
    }
    var popup = L.popup({maxWidth: 360, maxHeight: 340, autoPan: pan}).setLatLng(sel.center).setContent(sel.html);
    popup.openOn(S.map);
    selectFrom(popup);
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
      selected: null, selectedPopup: null, highlight: null};
    S.parentOrigin = parentOrigin();
    map.attributionControl.addAttribution(config.attribution);
    applyView(config.view);
    if (config.legend) {
      var legend = pm.ui.panelControl(S, 'pm-legend', 'topright', 'pm-legend-control');
      if (legend) {
        pm.ui.fitLegend(S, legend);
        map.on('resize', function () { pm.ui.fitLegend(S, legend); });
      }
    }
    pm.ui.panelControl(S, 'pm-panel', 'bottomleft', 'pm-panel-control');
    pm.ui.addMiniMap(S);
    pm.ui.addMeasure(S);
    if (config.embed || window.parent !== window) { pm.ui.cooperativeGestures(S); }
    wireTiles();
    map.on('popupopen', function (e) { selectFrom(e.popup); });
    map.on('popupclose', onPopupClose);
    map.on('moveend overlayadd overlayremove parkmap:compare parkmap:land', syncUrl);
    map.on('overlayadd overlayremove', function () { pm.ui.legendForVisible(S); });
    pm.ui.legendForVisible(S);
    map.on('baselayerchange', function (e) {
      S.base = baseKey(e.layer) || S.base;
      if (S.miniMap) { S.miniMap.changeLayer(pm.ui.miniLayer(S, S.base)); }
      syncUrl();
    });
    window.addEventListener('message', onMessage);
    restoreSelection();
    syncUrl();
    afterPaint(function () { mark('parkmap:overlays-painted'); });
    post({type: 'parkmap:ready', layers: visibleLayers(), lang: config.lang});
    window.dispatchEvent(new CustomEvent('parkmap:ready'));
  };

}());
