/*
 * The 360° gallery's map of the cameras, drawn by investor/areamap.js from the
 * JSON in #vr-map-data; each camera links to its view.
 */
(function () {
  'use strict';
  var holder = document.getElementById('vr-map');
  var source = document.getElementById('vr-map-data');
  if (!holder || !source || !window.L || !window.parkmapAreaMap) { return; }
  window.parkmapGallery = window.parkmapAreaMap.draw(holder, JSON.parse(source.textContent));
}());
