// messages.js: the shapes of the messages a parent page sends to embed.html
// (docs/embed.md). checkMessage judges a message without acting on it, so a
// message of the wrong shape changes nothing.
import { CP } from './common.js';

export const MAX_SCENARIO = 10000;
export const MIN_EVERY_MS = 100;

// SHAPES names every message the embed takes, for error replies.
export const SHAPES = {
  load: '{type: "load", scenario: "<scenario text>"}, e.g. {type: "load", scenario: "model=gevent io=200ms"}',
  play: '{type: "play"}',
  pause: '{type: "pause"}',
  set: '{type: "set", key: "<key>", value: "<value>"} (a live change, e.g. {type: "set", key: "clients", value: 50})',
  seek: '{type: "seek", t: <simulated seconds, 0 or more>}',
  speed: '{type: "speed", value: <' + CP.SPEED.min + ' to ' + CP.SPEED.max + '>}',
  subscribe: '{type: "subscribe", every: <milliseconds, ' + MIN_EVERY_MS + ' or more; 0 stops>}'
};
const ALL = 'the embed takes ' + Object.keys(SHAPES).map((k) => SHAPES[k]).join(', ');

export function describeValue(v) {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') {
    const t = v.type;
    if (t === undefined) return 'an object without "type"';
    return 'an object with type ' + (typeof t === 'string' ? JSON.stringify(t.slice(0, 40)) : typeof t);
  }
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number' && !isFinite(v)) return String(v);
  return 'a ' + typeof v;
}

function field(d, name) {
  try { return d[name]; } catch (e) { return undefined; }
}
function wrong(type, name, v, want) {
  return { error: '"' + name + '" must be ' + want + ' (it is ' + describeValue(v) + '); send ' + SHAPES[type] };
}

// checkMessage returns {msg} (a clean copy with only the known fields) or
// {error} naming what was wrong and the allowed shape.
export function checkMessage(d) {
  if (!d || typeof d !== 'object' || Array.isArray(d)) {
    return { error: 'unknown message (' + describeValue(d) + '); ' + ALL };
  }
  const type = field(d, 'type');
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SHAPES, type)) {
    return { error: 'unknown message (' + describeValue(d) + '); ' + ALL };
  }
  switch (type) {
    case 'load': {
      const s = field(d, 'scenario');
      if (typeof s !== 'string') return wrong(type, 'scenario', s, 'a string of scenario text');
      if (s.length > MAX_SCENARIO) return { error: '"scenario" is ' + s.length + ' characters; at most ' + MAX_SCENARIO };
      return { msg: { type, scenario: s } };
    }
    case 'set': {
      const key = field(d, 'key'), value = field(d, 'value');
      if (typeof key !== 'string' || !/^[a-z][a-z0-9-]*$/.test(key)) return wrong(type, 'key', key, 'the name of a scenario key, such as "clients"');
      const ok = typeof value === 'string' ? value.length > 0 && value.length <= 200 && !/[\s&=@]/.test(value)
        : typeof value === 'number' ? isFinite(value) : typeof value === 'boolean';
      if (!ok) return wrong(type, 'value', value, 'a string without spaces, a finite number or a boolean');
      return { msg: { type, key, value: String(value) } };
    }
    case 'seek': {
      const t = field(d, 't');
      if (typeof t !== 'number' || !isFinite(t) || t < 0) return wrong(type, 't', t, 'a number of simulated seconds, 0 or more');
      return { msg: { type, t } };
    }
    case 'speed': {
      const v = field(d, 'value');
      const range = 'a number from ' + CP.SPEED.min + ' to ' + CP.SPEED.max;
      if (typeof v !== 'number' || !isFinite(v)) return wrong(type, 'value', v, range);
      if (v < CP.SPEED.min || v > CP.SPEED.max) return { error: '"value" must be ' + range + ' (it is ' + v + '); send ' + SHAPES.speed };
      return { msg: { type, value: v } };
    }
    case 'subscribe': {
      const every = field(d, 'every');
      if (typeof every !== 'number' || !isFinite(every) || every < 0) return wrong(type, 'every', every, 'a number of milliseconds (0 stops)');
      return { msg: { type, every: every === 0 ? 0 : Math.max(MIN_EVERY_MS, Math.round(every)) } };
    }
    default:
      return { msg: { type } };
  }
}
