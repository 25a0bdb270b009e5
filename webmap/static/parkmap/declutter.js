/* declutter.js: no two markers overlap on the map, at any zoom (issue 16).
 *
 * A landmark or camera marker is a 44×44 touch target. Zoomed out, markers a few
 * hundred metres apart would stack; one under another can hardly be tapped and
 * fails WCAG 2.5.8. So, as marker-clustering libraries do, markers closer than
 * GAP px on screen are merged: the first of them (layer order, then feature
 * order: ports before junctions) stands for the group, and one cluster marker with
 * the count replaces them there. Its accessible name lists the places; a click,
 * Enter or Space zooms in just far enough for the group to come apart (supercluster's
 * "expansion zoom"), and a keyboard user lands on the first place it held.
 * Merged markers are taken off the map, not hidden: they are not tab stops and
 * nothing lies under anything else. At the map's maximum zoom nothing is merged.
 */
(function () {
  'use strict';

  var pm = window.parkmap = window.parkmap || {};
  var GAP = 48; // px between marker centres: two 44 px targets, 4 px apart
  var SIZE = 44;

  // A marker's name as plain text: its feature's tooltip, else its bound tooltip.
  // The server escaped it; DOMParser reads it back without running or loading anything.
  pm.markerName = function (marker) {
    var props = marker.feature && marker.feature.properties;
    var tip = props && props._tip;
    if (!tip && marker.getTooltip && marker.getTooltip()) { tip = marker.getTooltip().getContent(); }
    if (typeof tip !== 'string' || !tip) { return ''; }
    var doc = new DOMParser().parseFromString(tip, 'text/html');
    return (doc.body.textContent || '').replace(/\s+/g, ' ').trim();
  };

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (all, key) {
      return values[key] === undefined ? all : String(values[key]);
    });
  }

  function markersOf(group) {
    var found = [];
    if (group && group.eachLayer) {
      group.eachLayer(function (l) { if (l instanceof L.Marker) { found.push(l); } });
    }
    return found;
  }

  function Declutter(map, groups, texts) {
    this.map = map;
    this.groups = groups.filter(function (g) { return markersOf(g).length > 0; });
    this.texts = texts;
    this.clusters = L.featureGroup().addTo(map); // a FeatureGroup: its markers' events reach it
    this.pendingFocus = null;
    map.on('zoomend viewreset overlayadd overlayremove', this.update, this);
  }

  // Which markers stand alone and which merge, at the map's zoom.
  Declutter.prototype.groupsAt = function (zoom) {
    var map = this.map;
    var merge = zoom < map.getMaxZoom();
    var placed = [];
    this.groups.forEach(function (group) {
      if (!map.hasLayer(group)) { return; }
      markersOf(group).forEach(function (marker) {
        var p = map.project(marker.getLatLng(), zoom);
        var near = merge && placed.find(function (c) {
          return Math.max(Math.abs(c.point.x - p.x), Math.abs(c.point.y - p.y)) < GAP;
        });
        if (near) { near.members.push(marker); } else { placed.push({point: p, members: [marker]}); }
      });
    });
    return placed;
  };

  Declutter.prototype.update = function () {
    var map = this.map;
    var clusters = this.clusters;
    var self = this;
    clusters.clearLayers();
    this.groupsAt(map.getZoom()).forEach(function (c) {
      var alone = c.members.length === 1;
      c.members.forEach(function (marker) {
        if (alone && !map.hasLayer(marker)) { map.addLayer(marker); }
        if (!alone && map.hasLayer(marker)) { map.removeLayer(marker); }
      });
      if (!alone) { clusters.addLayer(self.cluster(c.members)); }
    });
    this.restoreFocus();
  };

  Declutter.prototype.label = function (members) {
    var names = members.map(pm.markerName).filter(Boolean);
    return fill(this.texts.cluster, {count: members.length, names: names.join('; ')});
  };

  Declutter.prototype.cluster = function (members) {
    var self = this;
    var label = this.label(members);
    var icon = L.divIcon({
      className: 'pm-icon pm-cluster',
      html: '<span class="pm-badge pm-cluster-badge" aria-hidden="true">' + members.length + '</span>',
      iconSize: [SIZE, SIZE],
      iconAnchor: [SIZE / 2, SIZE / 2]
    });
    var marker = L.marker(members[0].getLatLng(), {icon: icon, keyboard: true, title: label,
      zIndexOffset: 500});
    marker.members = members;
    marker.on('add', function () { marker.getElement().setAttribute('aria-label', label); });
    marker.on('click', function (e) {
      var key = e.originalEvent && e.originalEvent.type === 'keydown';
      self.expand(members, key);
    });
    return marker;
  };

  // The zoom at which the group's first member no longer draws the others in.
  Declutter.prototype.expansionZoom = function (members) {
    var map = this.map;
    var zoom = map.getZoom();
    var anchor = map.project(members[0].getLatLng(), zoom);
    var far = 0;
    members.forEach(function (m) {
      var p = map.project(m.getLatLng(), zoom);
      far = Math.max(far, Math.abs(p.x - anchor.x), Math.abs(p.y - anchor.y));
    });
    var steps = far > 0 ? Math.ceil(Math.log(GAP / far) / Math.LN2) : Infinity;
    return Math.min(map.getMaxZoom(), zoom + Math.max(1, steps));
  };

  Declutter.prototype.expand = function (members, byKeyboard) {
    var bounds = L.latLngBounds(members.map(function (m) { return m.getLatLng(); }));
    this.pendingFocus = byKeyboard ? members[0] : null;
    this.map.setView(bounds.getCenter(), this.expansionZoom(members));
  };

  // After a keyboard expansion: focus the first place of the group (or its cluster).
  Declutter.prototype.restoreFocus = function () {
    var target = this.pendingFocus;
    if (!target) { return; }
    this.pendingFocus = null;
    var el = target.getElement && target.getElement();
    if (!el) {
      this.clusters.eachLayer(function (c) {
        if (c.members.indexOf(target) >= 0) { el = c.getElement(); }
      });
    }
    if (el) { el.focus({preventScroll: true}); }
  };

  // Enter or Space on a focused marker acts as a click (Leaflet itself only opens a
  // bound popup, and the map's popups are unbound). Markers whose icon holds a link
  // of its own (360° cameras: keyboard false) keep the link's own behaviour.
  pm.keyboardClicks = function (layer) {
    layer.on('keydown', function (e) {
      var marker = e.propagatedFrom || e.target;
      var key = e.originalEvent && e.originalEvent.key;
      if (key !== 'Enter' && key !== ' ') { return; }
      if (!marker.options.keyboard || e.originalEvent.target !== marker.getElement()) { return; }
      L.DomEvent.preventDefault(e.originalEvent);
      marker.fire('click', {latlng: marker.getLatLng(), originalEvent: e.originalEvent}, true);
    });
  };

  pm.declutter = function (map, groups, texts) {
    var d = new Declutter(map, groups, texts);
    d.groups.forEach(pm.keyboardClicks);
    pm.keyboardClicks(d.clusters);
    d.update();
    return d;
  };
}());
