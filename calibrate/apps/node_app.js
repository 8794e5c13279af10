// Node.js app of the calibration: node:http and the built-in fetch (undici).
//
// argv: PORT WORKERS. WORKERS > 1 runs a node:cluster primary that forks
// that many workers, which it hands connections round-robin (the default
// schedulingPolicy on Linux). /work?calls=N&cpu=MS&parallel=0|1 spins cpu ms
// of this process's CPU time, then makes N upstream calls with the global
// fetch (one undici Agent per process, no connection limit), gathered with
// Promise.all when parallel=1. blocking is not supported: Node has no
// blocking HTTP call to make. Every response body is the worker's pid.
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');

const port = Number(process.argv[2]);
const workers = Number(process.argv[3] || '1');
const upURL = `http://${process.env.CALIBRATE_UPSTREAM}/up`;
const pid = String(process.pid);

function burn(ms) {
  if (ms <= 0) return;
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const end = cpu() + ms;
  let x = 0;
  while (cpu() < end) for (let i = 0; i < 200; i++) x += i;
  return x;
}

async function call() {
  const r = await fetch(upURL);
  await r.arrayBuffer();
}

async function work(q) {
  const calls = Number(q.get('calls') || '1');
  burn(Number(q.get('cpu') || '0'));
  if (q.get('parallel') === '1') {
    await Promise.all(Array.from({ length: calls }, call));
  } else {
    for (let i = 0; i < calls; i++) await call();
  }
}

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/work') await work(u.searchParams);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': pid.length });
    res.end(pid);
  }).listen(port, '127.0.0.1');
}
