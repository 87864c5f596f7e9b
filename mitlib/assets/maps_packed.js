/* mitlib maps: layers written by mitlib.render.geojson.pack_features.
   {p: keys, d: texts, k: scale, f: [[geometry, value of p[0], ...], ...]}:
   null stands for an absent property; in the properties t, h and v, a number
   stands for the text d[number]; a point's geometry is [lon, lat]; other
   geometries give, as q, each line or ring as whole numbers of 1/k degree, the
   first position in full, then differences.
   unpack() rebuilds the GeoJSON FeatureCollection that Leaflet reads. */
mitlib.unpack = function (data) {
  "use strict";
  var d = data.d, k = data.k, keys = data.p;
  function text(x) { return typeof x === "number" ? d[x] : x; }
  function positions(q) {
    if (Array.isArray(q[0])) { return q.map(positions); }
    var out = [], x = 0, y = 0;
    for (var i = 0; i < q.length; i += 2) {
      x += q[i];
      y += q[i + 1];
      out.push([x / k, y / k]);
    }
    return out;
  }
  return {
    type: "FeatureCollection",
    features: data.f.map(function (row) {
      var g = row[0], p = {};
      keys.forEach(function (key, i) {
        if (row[i + 1] !== null) { p[key] = row[i + 1]; }
      });
      if ("t" in p) { p.t = text(p.t); }
      if ("h" in p) { p.h = text(p.h); }
      if (p.v) { p.v = p.v.map(text); }
      if (Array.isArray(g)) {
        g = {type: "Point", coordinates: g};
      } else if (g.q) {
        g = {type: g.type, coordinates: positions(g.q)};
      }
      return {type: "Feature", geometry: g, properties: p};
    })
  };
};
