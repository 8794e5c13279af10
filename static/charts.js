// charts.js: small line charts on <canvas>, crisp on high-DPI screens.
//
//   import { LineChart } from './charts.js';
//   var c = new LineChart(canvasElement, {yUnit: 'req/s', xUnit: 's'});
//   c.setData([{colour: '#56b4e9', dash: [], points: [[t, v], ...]}, ...]);
//   c.setMarks([{t: 10, text: 'workers=4'}]);  // live changes, as dashed verticals
//
// Text sizes follow the canvas element's CSS font-size, so a "large text"
// mode on the page makes the charts' labels larger too.
var AXIS = '#9aa0aa';
var GRID = 'rgba(255,255,255,0.08)';
var TEXT = '#c9ced6';

// niceStep gives a round step (1, 2, 2.5, 5 × 10^n) for about n ticks.
function niceStep(range, n) {
  if (!(range > 0)) return 1;
  var raw = range / Math.max(1, n);
  var mag = Math.pow(10, Math.floor(Math.log10(raw)));
  var r = raw / mag;
  var step = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
  return step * mag;
}
function fmtTick(v, step) {
  if (Math.abs(v) >= 10000) return (v / 1000).toFixed(step >= 1000 ? 0 : 1) + 'k';
  var digits = 0;
  while (digits < 4 && Math.abs(step * Math.pow(10, digits) - Math.round(step * Math.pow(10, digits))) > 1e-6) digits++;
  return v.toFixed(digits);
}

export function LineChart(canvas, opts) {
  this.canvas = canvas;
  this.opts = opts || {};
  this.lines = [];
  this.empty = this.opts.emptyText || 'Waiting for data…';
  var self = this;
  if (typeof ResizeObserver === 'function') {
    this.ro = new ResizeObserver(function () { self.draw(); });
    this.ro.observe(canvas);
  } else {
    window.addEventListener('resize', function () { self.draw(); });
  }
  // devicePixelRatio changes (zoom, moving to another screen).
  window.addEventListener('resize', function () { self.draw(); });
}

LineChart.prototype.setMarks = function (marks) {
  this.marks = Array.isArray(marks) ? marks : [];
};

LineChart.prototype.setData = function (lines) {
  this.lines = Array.isArray(lines) ? lines : [];
  this.draw();
};

LineChart.prototype.draw = function () {
  var canvas = this.canvas;
  var cssW = canvas.clientWidth, cssH = canvas.clientHeight;
  if (!(cssW > 0 && cssH > 0)) return;
  var dpr = window.devicePixelRatio || 1;
  var w = Math.round(cssW * dpr), h = Math.round(cssH * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  var ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);

  var fontPx = parseFloat(getComputedStyle(canvas).fontSize) || 13;
  var font = fontPx + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  ctx.font = font;

  // Ranges over every finite point.
  var xmin = Infinity, xmax = -Infinity, ymax = 0, any = false;
  this.lines.forEach(function (ln) {
    (ln.points || []).forEach(function (p) {
      var x = p[0], y = p[1];
      if (typeof x !== 'number' || !isFinite(x)) return;
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (typeof y === 'number' && isFinite(y)) {
        any = true;
        if (y > ymax) ymax = y;
      }
    });
  });
  if (!isFinite(xmin)) { xmin = 0; xmax = 10; }
  if (xmax - xmin < 5) xmax = xmin + 5;
  if (!(ymax > 0)) ymax = this.opts.minY || 1;
  ymax = Math.max(ymax, this.opts.minY || 0);
  var ystep = niceStep(ymax, 4);
  var ytop = Math.ceil(ymax * 1.05 / ystep) * ystep;
  if (!(ytop > 0)) ytop = ystep;

  // Margins from the widest y label.
  var maxLabel = fmtTick(ytop, ystep);
  var left = Math.ceil(ctx.measureText(maxLabel).width) + fontPx * 0.9 + 4;
  var right = fontPx * 0.8;
  var top = fontPx * 2.2;
  var bottom = fontPx * 2.8;
  var pw = cssW - left - right, ph = cssH - top - bottom;
  if (pw < 20 || ph < 20) return;
  var sx = function (x) { return left + (x - xmin) / (xmax - xmin) * pw; };
  var sy = function (y) { return top + ph - (y / ytop) * ph; };

  // Grid and y ticks.
  ctx.lineWidth = 1;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (var y = 0; y <= ytop + ystep * 1e-6; y += ystep) {
    var py = Math.round(sy(y)) + 0.5;
    ctx.strokeStyle = GRID;
    ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(left + pw, py); ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(fmtTick(y, ystep), left - fontPx * 0.5, py);
  }
  // x ticks.
  var xstep = niceStep(xmax - xmin, Math.max(2, Math.floor(pw / (fontPx * 5))));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (var x = Math.ceil(xmin / xstep) * xstep; x <= xmax + xstep * 1e-6; x += xstep) {
    var px = Math.round(sx(x)) + 0.5;
    ctx.strokeStyle = GRID;
    ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, top + ph); ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.fillText(fmtTick(x, xstep), px, top + ph + fontPx * 0.35);
  }
  // Axes.
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  ctx.moveTo(left + 0.5, top); ctx.lineTo(left + 0.5, top + ph + 0.5); ctx.lineTo(left + pw, top + ph + 0.5);
  ctx.stroke();
  // Axis titles.
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(this.opts.yLabel || '', 2, fontPx * 1.05);
  ctx.textAlign = 'right';
  ctx.fillText(this.opts.xLabel || 'simulated time (s)', left + pw, cssH - fontPx * 0.25);

  if (!any) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = AXIS;
    ctx.fillText(this.empty, left + pw / 2, top + ph / 2);
    return;
  }

  // Live changes: a dashed vertical at each, with its words at the top.
  (this.marks || []).forEach(function (m) {
    if (!(m.t >= xmin && m.t <= xmax)) return;
    var mx = Math.round(sx(m.t)) + 0.5;
    ctx.save();
    ctx.strokeStyle = '#f0e442';
    ctx.setLineDash([3, 3]);
    ctx.beginPath(); ctx.moveTo(mx, top); ctx.lineTo(mx, top + ph); ctx.stroke();
    ctx.fillStyle = '#f0e442';
    ctx.textAlign = mx > left + pw * 0.7 ? 'right' : 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(m.text, mx + (ctx.textAlign === 'left' ? 3 : -3), top + 1);
    ctx.restore();
  });

  // Lines.
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top - 2, pw + 1, ph + 4);
  ctx.clip();
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  this.lines.forEach(function (ln) {
    var pts = ln.points || [];
    ctx.strokeStyle = ln.colour || '#fff';
    ctx.lineWidth = ln.width || 2;
    ctx.setLineDash(ln.dash || []);
    ctx.beginPath();
    var pen = false;
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i];
      var ok = typeof p[0] === 'number' && isFinite(p[0]) && typeof p[1] === 'number' && isFinite(p[1]);
      if (!ok) { pen = false; continue; }
      var X = sx(p[0]), Y = sy(Math.max(0, p[1]));
      if (pen) ctx.lineTo(X, Y); else ctx.moveTo(X, Y);
      pen = true;
    }
    ctx.stroke();
    // A single point still shows.
    if (pts.length === 1 && isFinite(pts[0][1])) {
      ctx.fillStyle = ln.colour || '#fff';
      ctx.beginPath(); ctx.arc(sx(pts[0][0]), sy(pts[0][1]), 2.5, 0, Math.PI * 2); ctx.fill();
    }
  });
  ctx.restore();
};

