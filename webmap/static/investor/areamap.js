/*
 * The small Leaflet maps of the parcel page, the park page and the 360° gallery,
 * drawn from a JSON document (webmap/investor/areamap.py) that the page carries:
 *
 *   base      {url, attribution} of the base map, or null;
 *   park      the park's outline (GeoJSON geometry);
 *   statuses  {status: {label, color, weight, dash}}: how parcels of a status look;
 *   parcels   [{id, name, status, area, url, geometry}]: a click opens a small card
 *             with a link to the parcel's page;
 *   block     [geometry]: the other parcels of a parcel's free block;
 *   parcel    the parcel a page is about (geometry);
 *   housing   [{name, geometry}];
 *   cameras   [{lon, lat, heading, generated, name, label, kind, url}]: links to
 *             the 360° viewer;
 *   texts     {open, around, park}: words of the cards and of the button that
 *             widens the view from the park to its housing and cameras and back.
 *
 * Every name reaches the page as a text node or an attribute value, never as HTML.
 * parkmapAreaMap.draw(holder, data) returns {map, parcels, cameras, focus}.
 */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var CONES = { photo: '#27ae60', generated: '#f39c12' };

  function textNode(tag, text, className) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (className) { el.className = className; }
    return el;
  }

  function svgNode(tag, attrs) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    return el;
  }

  // The main map's camera: a dot, and a cone turned to where the view looks.
  function cameraSvg(camera) {
    var svg = svgNode('svg', {
      viewBox: '-17 -17 34 34', width: '30', height: '30',
      'aria-hidden': 'true', focusable: 'false'
    });
    var turn = svgNode('g', { transform: 'rotate(' + Number(camera.heading || 0) + ')' });
    turn.appendChild(svgNode('path', {
      d: 'M0 0 L-9 -15 A17 17 0 0 1 9 -15 Z', 'fill-opacity': '0.6',
      fill: camera.generated ? CONES.generated : CONES.photo
    }));
    svg.appendChild(turn);
    svg.appendChild(svgNode('circle', {
      r: '8', fill: '#1f4e79', stroke: '#fff', 'stroke-width': '2'
    }));
    svg.appendChild(svgNode('rect', {
      x: '-4.5', y: '-3', width: '9', height: '6.5', rx: '1.2', fill: '#fff'
    }));
    return svg;
  }

  function cameraMarker(camera) {
    var link = document.createElement('a');
    link.className = 'iv-cam';
    link.href = camera.url;
    link.setAttribute('aria-label', camera.label || camera.name);
    link.appendChild(cameraSvg(camera));
    var icon = L.divIcon({
      // A 44×44 touch target around the 30 px camera.
      html: link, className: 'iv-cam-icon', iconSize: [44, 44], iconAnchor: [22, 22]
    });
    // The link inside is the one tab stop; the marker itself is not another.
    return L.marker([camera.lat, camera.lon], { icon: icon, keyboard: false })
      .bindTooltip(textNode('span', camera.name + ' · ' + camera.kind));
  }

  function pointTo(color) {
    return function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 6, color: color, weight: 2, fillColor: color, fillOpacity: 0.6
      });
    };
  }

  function parcelCard(parcel, status, texts) {
    var card = document.createElement('div');
    card.className = 'iv-card';
    card.appendChild(textNode('strong', parcel.name));
    var facts = [status ? status.label : '', parcel.area].filter(Boolean);
    if (facts.length) { card.appendChild(textNode('p', facts.join(' · '))); }
    var link = textNode('a', texts.open || parcel.id, 'iv-card-link');
    link.href = parcel.url;
    card.appendChild(link);
    return card;
  }

  function parcelStyle(status) {
    var color = status ? status.color : '#9e9e9e';
    return {
      color: color, weight: status ? status.weight : 1,
      dashArray: status ? status.dash : '1 3',
      fillColor: color, fillOpacity: 0.35
    };
  }

  // Marks a parcel's path (once drawn) with its id and status, for tests and styles.
  function tagPath(parcel) {
    return function (event) {
      var path = event.target.getElement();
      path.setAttribute('data-parcel', parcel.id);
      path.setAttribute('data-status', parcel.status);
    };
  }

  function drawParcels(data, group) {
    var statuses = data.statuses || {};
    var texts = data.texts || {};
    (data.parcels || []).forEach(function (parcel) {
      var status = statuses[parcel.status];
      var shape = L.geoJSON(parcel.geometry, { style: parcelStyle(status) });
      shape.eachLayer(function (layer) { layer.on('add', tagPath(parcel)); });
      shape.bindTooltip(textNode('span', parcel.name), { sticky: true });
      shape.bindPopup(parcelCard(parcel, status, texts), { maxWidth: 240 });
      shape.addTo(group);
    });
  }

  function drawFocus(data, focus) {
    (data.block || []).forEach(function (geometry) {
      L.geoJSON(geometry, {
        style: { color: '#27ae60', weight: 1, fillColor: '#27ae60', fillOpacity: 0.25 }
      }).addTo(focus);
    });
    if (!data.parcel) { return null; }
    return L.geoJSON(data.parcel, {
      style: { color: '#1f4e79', weight: 3, fillColor: '#27ae60', fillOpacity: 0.5 }
    }).addTo(focus);
  }

  var FIT = { maxZoom: 16, padding: [24, 24] };

  // The first group that has something: what the view fits (null: nothing at all).
  function firstBounds(groups) {
    for (var i = 0; i < groups.length; i += 1) {
      var bounds = groups[i].getBounds();
      if (bounds.isValid()) { return bounds; }
    }
    return null;
  }

  function allBounds(groups) {
    var bounds = L.latLngBounds([]);
    groups.forEach(function (group) {
      var more = group.getBounds();
      if (more.isValid()) { bounds.extend(more); }
    });
    return bounds;
  }

  // A button switching the view between the park and all around it, when the
  // housing or cameras lie outside the park's view.
  function addViewToggle(map, near, around, texts) {
    if (!texts.around || !texts.park || !near || near.contains(around)) { return; }
    var Toggle = L.Control.extend({
      options: { position: 'topright' },
      onAdd: function () {
        var button = L.DomUtil.create('button', 'iv-map-toggle');
        var wide = false;
        button.type = 'button';
        button.textContent = texts.around;
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, 'click', function () {
          wide = !wide;
          map.fitBounds(wide ? around : near, FIT);
          button.textContent = wide ? texts.park : texts.around;
        });
        return button;
      }
    });
    new Toggle().addTo(map);
  }

  function draw(holder, data) {
    var map = L.map(holder, { scrollWheelZoom: false });
    if (data.base) {
      L.tileLayer(data.base.url, { attribution: data.base.attribution, maxZoom: 19 })
        .addTo(map);
    }
    var outline = L.featureGroup().addTo(map);
    if (data.park) {
      L.geoJSON(data.park, {
        style: { color: '#b03a2e', weight: 2, fill: false }, interactive: false
      }).addTo(outline);
    }
    var parcels = L.featureGroup().addTo(map);
    drawParcels(data, parcels);
    var focus = L.featureGroup().addTo(map);
    var parcel = drawFocus(data, focus);
    var housing = L.featureGroup().addTo(map);
    (data.housing || []).forEach(function (item) {
      L.geoJSON(item.geometry, { pointToLayer: pointTo('#8e44ad') })
        .bindTooltip(textNode('span', item.name))
        .addTo(housing);
    });
    var cameras = L.featureGroup().addTo(map);
    (data.cameras || []).forEach(function (camera) {
      cameraMarker(camera).addTo(cameras);
    });
    var near = firstBounds([focus, outline, parcels, cameras]);
    if (near) {
      map.fitBounds(near, FIT);
    } else {
      map.setView([20.85, 106.7], 10); // Hai Phong, when there is nothing to show
    }
    var around = allBounds([focus, outline, parcels, housing, cameras]);
    addViewToggle(map, near, around, data.texts || {});
    return { map: map, parcel: parcel, parcels: parcels, cameras: cameras };
  }

  window.parkmapAreaMap = { draw: draw };
}());
