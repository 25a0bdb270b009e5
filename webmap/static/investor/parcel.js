/*
 * The parcel and park pages: the print and copy-link buttons, and the parcel's
 * small Leaflet map (the parcel, its park, the other parcels of its free block,
 * housing within 10 km, 360° scenes nearby) drawn from the JSON in #iv-map-data.
 * Names reach the map as text nodes, never as HTML.
 */
(function () {
  'use strict';

  function setUpPrint() {
    var button = document.getElementById('iv-print');
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  }

  function showCopyBox(button) {
    var box = document.getElementById('iv-copy-box');
    if (!box) { return; }
    box.hidden = false;
    var input = box.querySelector('input');
    input.focus();
    input.select();
  }

  function setUpCopy() {
    var button = document.getElementById('iv-copy-link');
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      var url = button.getAttribute('data-url');
      var done = function () {
        var status = document.getElementById('iv-shortlist-status');
        if (status) {
          status.textContent = button.getAttribute('data-msg-done');
          status.hidden = false;
        }
      };
      var failed = function () { showCopyBox(button); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, failed);
      } else {
        failed();
      }
    });
  }

  function label(text) {
    var span = document.createElement('span');
    span.textContent = text;
    return span;
  }

  function point(color) {
    return function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 6, color: color, weight: 2, fillColor: color, fillOpacity: 0.6
      });
    };
  }

  function setUpMap() {
    var holder = document.getElementById('iv-map');
    var source = document.getElementById('iv-map-data');
    if (!holder || !source || !window.L) { return; }
    var data = JSON.parse(source.textContent);
    var map = L.map(holder, { scrollWheelZoom: false });
    if (data.base) {
      L.tileLayer(data.base.url, { attribution: data.base.attribution, maxZoom: 19 })
        .addTo(map);
    }
    if (data.park) {
      L.geoJSON(data.park, { style: { color: '#b03a2e', weight: 2, fill: false } })
        .addTo(map);
    }
    var focus = L.featureGroup().addTo(map);
    (data.block || []).forEach(function (geometry) {
      L.geoJSON(geometry, {
        style: { color: '#27ae60', weight: 1, fillColor: '#27ae60', fillOpacity: 0.25 }
      }).addTo(focus);
    });
    var parcel = L.geoJSON(data.parcel, {
      style: { color: '#1f4e79', weight: 3, fillColor: '#27ae60', fillOpacity: 0.5 }
    }).addTo(focus);
    [['housing', '#8e44ad'], ['scenes', '#f39c12']].forEach(function (kind) {
      (data[kind[0]] || []).forEach(function (item) {
        L.geoJSON(item.geometry, { pointToLayer: point(kind[1]) })
          .bindTooltip(label(item.name))
          .addTo(map);
      });
    });
    map.fitBounds(focus.getBounds(), { maxZoom: 16, padding: [24, 24] });
    window.parkmapParcel = { map: map, parcel: parcel };
  }

  setUpPrint();
  setUpCopy();
  setUpMap();
}());
