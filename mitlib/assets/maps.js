/* mitlib maps: GeoJSON layers with popups, legend and commune search.
   Every text reaches this code already HTML-escaped by mitlib (Python). */
var mitlib = (function () {
  "use strict";

  function popupHtml(p, labels) {
    var rows = [];
    (p.v || []).forEach(function (value, i) {
      if (value !== "") { rows.push(labels[i] + "\u00a0: " + value); }
    });
    return '<div class="mitlib-popup"><div class="titre">' + p.t + "</div>" +
      rows.join("<br>") + "</div>";
  }

  /* Options of L.geoJson: style number p.s, popup rows p.v, tooltip p.h or p.t. */
  function layerOptions(o) {
    function style(feature) { return o.styles[feature.properties.s || 0]; }
    return {
      style: style,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, style(feature));
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindPopup(popupHtml(p, o.labels), {maxWidth: 340});
        layer.bindTooltip(p.h || p.t, {sticky: !layer.getLatLng});
        if (o.hover) {
          layer.on("mouseover", function () { layer.setStyle(o.hover); });
          layer.on("mouseout", function () { layer.setStyle(style(feature)); });
        }
      }
    };
  }

  /* Turn the page element `id` into a Leaflet control. */
  function control(map, id, position) {
    var div = document.getElementById(id);
    var c = L.control({position: position});
    c.onAdd = function () {
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    c.addTo(map);
    return div;
  }

  function legend(map, id) { control(map, id, "bottomright"); }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\s'\u2019-]+/g, " ").trim();
  }

  /* index: name -> [code_insee, south, west, north, east] */
  function search(map, id, index) {
    var byName = {};
    Object.keys(index).forEach(function (k) { byName[fold(k)] = index[k]; });
    var input = control(map, id, "topleft").querySelector("input");
    function go() {
      var hit = byName[fold(input.value)];
      if (!hit) { return; }
      map.fitBounds([[hit[1], hit[2]], [hit[3], hit[4]]]);
      map.eachLayer(function (layer) {
        var p = layer.feature && layer.feature.properties;
        if (p && p.code_insee === hit[0] && layer.getPopup()) { layer.openPopup(); }
      });
    }
    L.DomEvent.on(input, "change", go);
    L.DomEvent.on(input, "keydown", function (e) {
      if (e.key === "Enter") { go(); }
    });
  }

  return {layerOptions: layerOptions, legend: legend, search: search};
}());
