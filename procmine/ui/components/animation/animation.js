// procmine's animated process map: tokens move over the map's Graphviz edges along the log's real time line.
// A Streamlit component without a build step: the parent page sends "streamlit:render" messages with the
// payload (procmine/render/animation_payload.py); nothing is fetched from the network.
(function () {
  "use strict";
  var DAY = 86400;
  var CHUNK = 1024;                           // tokens per chunk of the start-sorted arrays (end index)
  var SPEEDS = [1, 7, 30, 91, 365];          // days of the log per second of animation
  var model = null;
  var view = { t: 0, playing: false, speed: 30, last: null, frames: 0, firstFrameAt: null, scale: 1,
               active: 0, moving: 0, loadedId: null };
  var marks = { script: performance.now() };
  var $ = function (id) { return document.getElementById(id); };

  function send(type, data) {
    var message = { isStreamlitMessage: true, type: type };
    for (var key in data) { message[key] = data[key]; }
    window.parent.postMessage(message, "*");
  }

  function decode(packed) {
    var text = atob(packed.data);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return new window[packed.type](bytes.buffer);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function number(value) {
    return Math.round(value).toLocaleString(model.lang === "da" ? "da-DK" : "en-GB");
  }

  function load(payload) {
    var points = decode(payload.points), offsets = decode(payload.point_offsets);
    var cumulative = new Float64Array(points.length / 2);
    for (var e = 0; e + 1 < offsets.length; e++) {
      for (var p = offsets[e] + 1; p < offsets[e + 1]; p++) {
        cumulative[p] = cumulative[p - 1] + Math.hypot(points[2 * p] - points[2 * p - 2],
                                                       points[2 * p + 1] - points[2 * p - 1]);
      }
    }
    var start = decode(payload.start), duration = decode(payload.duration);
    var span = 0, chunkEnd = new Float64Array(Math.ceil(start.length / CHUNK));
    for (var i = 0; i < start.length; i++) {
      var end = start[i] + duration[i];
      span = Math.max(span, end);
      chunkEnd[(i / CHUNK) | 0] = Math.max(chunkEnd[(i / CHUNK) | 0], end);
    }
    var weight = decode(payload.weight), radius = new Float32Array(weight.length);
    for (var w = 0; w < weight.length; w++) { radius[w] = 2.5 + Math.min(4.5, Math.log2(weight[w])); }
    model = { payload: payload, radius: radius, points: points, offsets: offsets, cumulative: cumulative, start: start,
              duration: duration, edge: decode(payload.edge), colour: decode(payload.colour),
              weight: weight, span: span, lang: payload.lang, texts: payload.texts,
              queue: new Float64Array(payload.nodes.length), activeIndex: new Int32Array(start.length),
              chunkEnd: chunkEnd, rgba: payload.legend.map(function (entry) { return packColour(entry[1]); }) };
    view.t = 0;
    view.playing = false;
    buildControls();
    resize();
    draw();
  }

  // The point at `fraction` of edge `edge`'s length (as points_along in animation_layout.py).
  function pointAt(edge, fraction, out) {
    var first = model.offsets[edge], last = model.offsets[edge + 1] - 1;
    var c = model.cumulative, pts = model.points;
    fraction = Math.min(1, Math.max(0, fraction));
    if (c[last] === 0 || last <= first) { out[0] = pts[2 * first]; out[1] = pts[2 * first + 1]; return out; }
    var wanted = fraction * c[last];
    var low = first, high = last;           // last index i with c[i] <= wanted, within [first, last-1]
    while (high - low > 1) {
      var middle = (low + high) >> 1;
      if (c[middle] <= wanted) { low = middle; } else { high = middle; }
    }
    if (low > last - 1) { low = last - 1; }
    var length = c[low + 1] - c[low];
    var within = (wanted - c[low]) / (length > 0 ? length : 1);
    out[0] = pts[2 * low] + (pts[2 * low + 2] - pts[2 * low]) * within;
    out[1] = pts[2 * low + 1] + (pts[2 * low + 3] - pts[2 * low + 1]) * within;
    return out;
  }

  // Tokens in motion at time t (s after the origin): start <= t < start + duration.
  function activeAt(t) {
    var start = model.start, duration = model.duration, found = model.activeIndex, n = 0;
    var low = 0, high = start.length;       // first token starting after t
    while (low < high) {
      var middle = (low + high) >> 1;
      if (start[middle] <= t) { low = middle + 1; } else { high = middle; }
    }
    var chunkEnd = model.chunkEnd;
    for (var chunk = 0; chunk * CHUNK < low; chunk++) {
      if (chunkEnd[chunk] <= t) { continue; }   // every token of this chunk has arrived already
      var last = Math.min(low, (chunk + 1) * CHUNK);
      for (var i = chunk * CHUNK; i < last; i++) {
        if (start[i] + duration[i] > t) { found[n++] = i; }
      }
    }
    return n;
  }

  function positionsAt(t) {
    var n = activeAt(t), result = [], point = [0, 0];
    for (var j = 0; j < n; j++) {
      var i = model.activeIndex[j];
      pointAt(model.edge[i], (t - model.start[i]) / model.duration[i], point);
      result.push([model.edge[i], point[0], point[1], model.weight[i], (t - model.start[i]) / model.duration[i]]);
    }
    return result;
  }

  function draw() {
    if (!model) { return; }
    var canvas = $("halos"), context = canvas.getContext("2d");
    var ratio = view.scale * (window.devicePixelRatio || 1);
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    var n = activeAt(view.t);
    view.active = n;
    drawQueues(context, n);
    drawTokens(n, ratio);
    view.frames++;
    if (view.firstFrameAt === null) { view.firstFrameAt = performance.now(); }
    showTime(n);
  }

  function drawQueues(context, n) {
    var queue = model.queue, targets = model.payload.edge_target, nodes = model.payload.nodes;
    queue.fill(0);
    for (var j = 0; j < n; j++) {
      var i = model.activeIndex[j], target = targets[model.edge[i]];
      if (target >= 0) { queue[target] += model.weight[i]; }
    }
    var moving = 0;
    for (var m = 0; m < n; m++) { moving += model.weight[model.activeIndex[m]]; }
    view.moving = moving;
    var largest = 0;
    for (var q = 0; q < queue.length; q++) { largest = Math.max(largest, queue[q]); }
    if (largest === 0) { return; }
    context.font = (11 / view.scale) + "px Helvetica, Arial, sans-serif";
    for (var k = 0; k < queue.length; k++) {
      if (queue[k] === 0) { continue; }
      var node = nodes[k], grow = (4 + 26 * Math.sqrt(queue[k] / largest)) / view.scale;
      context.fillStyle = "rgba(240, 120, 20, 0.22)";
      context.beginPath();
      context.ellipse(node[0], node[1], node[2] / 2 + grow, node[3] / 2 + grow, 0, 0, 2 * Math.PI);
      context.fill();
      context.fillStyle = "#a84300";
      context.fillText(fill(model.texts.waiting, { n: number(queue[k]) }), node[0] + node[2] / 2 + grow,
                       node[1] - node[3] / 2 - 2 / view.scale);
    }
  }

  // Tokens as discs stamped straight into the pixels of the top canvas: no path to rasterise per token.
  function drawTokens(n, ratio) {
    var canvas = $("tokens"), width = canvas.width, height = canvas.height;
    if (!view.pixels || view.pixels.width !== width || view.pixels.height !== height) {
      view.pixels = canvas.getContext("2d").createImageData(width, height);
      view.words = new Uint32Array(view.pixels.data.buffer);
    }
    var words = view.words, point = [0, 0], t = view.t, dpr = window.devicePixelRatio || 1;
    words.fill(0);
    for (var j = 0; j < n; j++) {
      var i = model.activeIndex[j];
      pointAt(model.edge[i], (t - model.start[i]) / model.duration[i], point);
      var radius = Math.min(Math.round(model.radius[i] * dpr), DISCS.length - 1);
      var disc = DISCS[radius], colour = model.rgba[model.colour[i]];
      var cx = Math.round(point[0] * ratio), cy = Math.round(point[1] * ratio), d, x, y;
      if (cx >= radius && cy >= radius && cx + radius < width && cy + radius < height) {
        var centre = cy * width + cx;
        for (d = 0; d < disc.length; d += 2) { words[centre + disc[d + 1] * width + disc[d]] = colour; }
      } else {
        for (d = 0; d < disc.length; d += 2) {
          x = cx + disc[d]; y = cy + disc[d + 1];
          if (x >= 0 && y >= 0 && x < width && y < height) { words[y * width + x] = colour; }
        }
      }
    }
    canvas.getContext("2d").putImageData(view.pixels, 0, 0);
  }

  // Pixel offsets (dx, dy pairs) of a disc of each radius 0..16.
  var DISCS = (function () {
    var discs = [];
    for (var r = 0; r <= 16; r++) {
      var offsets = [];
      for (var dy = -r; dy <= r; dy++) {
        for (var dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy <= r * r + r) { offsets.push(dx, dy); }
        }
      }
      discs.push(new Int16Array(offsets));
    }
    return discs;
  })();

  // "#rrggbb" as one opaque RGBA pixel in the canvas's byte order (little-endian: ABGR).
  function packColour(hex) {
    var r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
    return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }

  function showTime(n) {
    var when = new Date(model.payload.origin_ms + view.t * 1000);
    $("date").textContent = when.toLocaleDateString(model.lang === "da" ? "da-DK" : "en-GB",
      { day: "numeric", month: "short", year: "numeric", timeZone: "Europe/Copenhagen" });
    $("active").textContent = fill(model.texts.in_motion, { n: number(view.moving), dots: number(n) });
    $("scrubber").value = model.span > 0 ? Math.round(1000 * view.t / model.span) : 0;
  }

  function tick(now) {
    if (view.playing) {
      if (view.last !== null) {
        view.t += (now - view.last) / 1000 * view.speed * DAY;
        if (view.t >= model.span) { view.t = model.span; pause(); }
      }
      view.last = now;
      draw();
    }
    window.requestAnimationFrame(tick);
  }

  function play() {
    if (!model) { return; }
    if (view.t >= model.span) { view.t = 0; }
    view.playing = true;
    view.last = null;
    $("play").textContent = model.texts.pause;
  }

  function pause() {
    view.playing = false;
    if (model) { $("play").textContent = model.texts.play; }
  }

  function seek(t) {
    view.t = Math.min(model.span, Math.max(0, t));
    draw();
  }

  function buildControls() {
    var texts = model.texts, speed = $("speed");
    $("play").textContent = texts.play;
    $("speed_label").textContent = texts.speed;
    speed.innerHTML = "";
    SPEEDS.forEach(function (days) {
      var option = document.createElement("option");
      option.value = days;
      option.textContent = fill(texts.days_per_second, { n: days });
      option.selected = days === view.speed;
      speed.appendChild(option);
    });
    $("legend").innerHTML = "";
    model.payload.legend.forEach(function (entry) {
      var item = document.createElement("span"), dot = document.createElement("span");
      dot.className = "dot";
      dot.style.background = entry[1];
      item.appendChild(dot);
      item.appendChild(document.createTextNode(entry[0]));
      $("legend").appendChild(item);
    });
    $("note").textContent = texts.note;
    $("map").src = "data:image/svg+xml;base64," + model.payload.svg;
    $("map").alt = texts.title;
  }

  function resize() {
    if (!model) { return; }
    var width = Math.max(200, document.body.clientWidth - 2);
    view.scale = Math.min(1, width / model.payload.width);
    var w = model.payload.width * view.scale, h = model.payload.height * view.scale;
    var ratio = window.devicePixelRatio || 1, picture = $("map");
    $("stage").style.width = w + "px";
    $("stage").style.height = h + "px";
    picture.style.width = w + "px";
    picture.style.height = h + "px";
    ["halos", "tokens"].forEach(function (id) {
      var canvas = $(id);
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    });
    send("streamlit:setFrameHeight", { height: document.body.scrollHeight + 4 });
  }

  $("play").addEventListener("click", function () { if (view.playing) { pause(); } else { play(); } });
  $("speed").addEventListener("change", function (event) { view.speed = Number(event.target.value); });
  $("scrubber").addEventListener("input", function (event) {
    if (model) { seek(Number(event.target.value) / 1000 * model.span); }
  });
  window.addEventListener("resize", function () { resize(); draw(); });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "streamlit:render") { return; }
    var payload = data.args.payload;
    if (payload && payload.id !== view.loadedId) {
      marks.payload = performance.now();
      view.loadedId = payload.id;
      load(payload);
      marks.loaded = performance.now();
    }
  });

  window.__procmineAnimation = {
    positionsAt: positionsAt, marks: function () { return marks; }, seek: seek, play: play, pause: pause,
    setSpeed: function (days) { view.speed = days; },
    time: function () { return view.t; }, span: function () { return model ? model.span : 0; },
    frames: function () { return view.frames; }, firstFrameAt: function () { return view.firstFrameAt; },
    active: function () { return view.active; }, moving: function () { return view.moving; }, playing: function () { return view.playing; },
    loaded: function () { return model !== null; },
  };
  window.requestAnimationFrame(tick);
  send("streamlit:componentReady", { apiVersion: 1 });
})();
