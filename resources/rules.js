/**
 * Input rules shared, as one definition, by the editor dialogs (served by Node-RED under
 * /resources/@bestlab/node-red-platform/rules.js), the nodes' message path and the library
 * (src/core/rules.ts loads this file): logger serials, device ids, data-point codes, time inputs
 * and time windows. Plain ES5 and pure, so the browser and Node read it alike.
 *
 * A refusal is a "problem": {key, params, message}, where key and params name the catalog text
 * (nodes/locales/<lang>/tuya-config.json, under common.lib. for the library's keys) and message
 * is the library's English text, so the dialog, the runtime and the library say the same.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.BestlabRules = factory();
})(this, function () {
  "use strict";
  // HOBO logger serials are 6 to 10 decimal digits (8 today: 21092695; older stations 10764968).
  var HOBO_SERIAL = /^\d{6,10}$/;
  // Tuya device ids: letters, digits, "_" and "-", 4 to 64 characters.
  var TUYA_DEVICE_ID = /^[A-Za-z0-9_-]{4,64}$/;
  // Tuya data-point and command codes: "switch_1", "va_temperature", "cur_power" (dots in some categories).
  var TUYA_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

  var UNIT_MS = { s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 };
  var RELATIVE = /^(?:now)?\s*([+-])\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;
  var DIGITS = /^\d+(?:\.\d+)?$/;
  // Date, optionally a time (minutes, seconds, fraction), optionally a zone; "t" and "z" as RFC 3339 allows.
  var TIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

  function isDate(value) {
    return Object.prototype.toString.call(value) === "[object Date]";
  }

  /** An instant as a number, NaN outside the Date range (about 270,000 years either way). */
  function instant(ms) {
    return new Date(ms).getTime();
  }

  /** 10-digit seconds or 13-digit milliseconds; NaN for other numbers. */
  function fromEpoch(n) {
    if (!isFinite(n) || n < 0) return NaN;
    var digits = Math.floor(n).toString().length;
    if (digits === 10) return Math.round(n * 1000);
    if (digits === 13) return Math.round(n);
    return NaN;
  }

  /** "yyyy-MM-dd[ HH:mm[:ss[.fff]]][zone]", impossible calendar values refused (no roll-over); NaN otherwise. */
  function fromText(m) {
    var y = +m[1],
      mo = +m[2],
      d = +m[3],
      h = +(m[4] || 0),
      mi = +(m[5] || 0),
      s = +(m[6] || 0);
    var frac = Number(((m[7] || "0") + "00").slice(0, 3));
    // setUTCFullYear, not Date.UTC, so years 0-99 are not read as 1900-1999.
    var wall = new Date(0);
    wall.setUTCFullYear(y, mo - 1, d);
    wall.setUTCHours(h, mi, s, frac);
    // Checked on the wall-clock value, before the zone offset moves it to another day.
    if (wall.getUTCDate() !== d || wall.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) return NaN;
    var ms = wall.getTime();
    var zone = m[8];
    if (zone && zone.toUpperCase() !== "Z") {
      var sign = zone.charAt(0) === "-" ? -1 : 1;
      var hhmm = zone.slice(1).replace(":", "");
      var zh = Number(hhmm.slice(0, 2)),
        zm = Number(hhmm.slice(2));
      if (zh > 23 || zm > 59) return NaN;
      ms -= sign * (zh * 60 + zm) * 60000;
    }
    return instant(ms);
  }

  /**
   * The time parser of every node, dialog and client: a Date, 10-digit seconds or 13-digit
   * milliseconds (number or text), ISO 8601 / "yyyy-MM-dd HH:mm:ss" (UTC when no zone), "now", or
   * a span relative to `now` ("-24h", "now-7d", "+30m"). Gives epoch milliseconds, NaN when unreadable.
   */
  function readTime(input, now) {
    if (isDate(input)) return input.getTime();
    if (typeof input === "number") return fromEpoch(input);
    if (typeof input !== "string") return NaN;
    var text = input.trim();
    if (/^now$/i.test(text)) return now;
    var rel = RELATIVE.exec(text);
    if (rel) {
      var span = Number(rel[2]) * UNIT_MS[rel[3].toLowerCase()];
      return instant(rel[1] === "-" ? now - span : now + span);
    }
    if (DIGITS.test(text)) return fromEpoch(Number(text));
    var m = TIME_TEXT.exec(text);
    return m ? fromText(m) : NaN;
  }

  /** How an input is quoted in messages. */
  function describe(input) {
    if (typeof input === "string") return '"' + input + '"';
    if (typeof input === "number") return String(input);
    if (isDate(input)) return "an invalid Date";
    try {
      var json = JSON.stringify(input);
      return json === undefined ? String(input) : json;
    } catch {
      return String(input);
    }
  }

  /** The refusal of an unreadable time; name says which ("start", "end", "span", "look-back"). */
  function unreadableTime(input, name) {
    var what = name ? name + " time" : "time";
    var shown = describe(input);
    return {
      key: "time.unreadable",
      params: { input: shown, name: name || "" },
      message:
        "Cannot read " +
        shown +
        " as " +
        (/^[aeiou]/i.test(what) ? "an" : "a") +
        " " +
        what +
        ': use an ISO 8601 date, "yyyy-MM-dd HH:mm:ss" (UTC), a 10-digit (seconds) or 13-digit (milliseconds) timestamp, "now", ' +
        'or a relative span such as "-24h", "-7d" or "-30m"',
    };
  }

  /** The refusal of a window whose end is not after its start (null when it is). */
  function reversedWindow(startMs, endMs) {
    if (endMs > startMs) return null;
    var s = new Date(startMs).toISOString(),
      e = new Date(endMs).toISOString();
    return { key: "time.reversed", params: { start: s, end: e }, message: "The end time (" + e + ") must be after the start time (" + s + ")" };
  }

  /**
   * A history node's window, read the one way the nodes (nodes/shared/window.ts) and the dialogs
   * read it. f: {mode: "relative"|"absolute"|"incremental", span, lookback, defaultSpan, start,
   * end (values; undefined = not given, the end then "now"), later: {start, end} (true = known only
   * when a message comes: not checked)}. Relative spans count back from the end; the start of an
   * absolute window and the end from now. Gives {start, end} in ms, or {problem} with problem.field
   * naming the input ("span", "lookback", "start", "end").
   */
  function readWindow(f, now) {
    var later = f.later || {};
    var end = later.end ? now : readTime(f.end === undefined ? "now" : f.end, now);
    var start;
    if (f.mode === "absolute") {
      // The start first, as the library's parseWindow reads a window.
      if (!later.start) {
        if (f.start === undefined) return failed("start", { key: "common.errors.noStart", params: {} });
        start = readTime(f.start, now);
        if (isNaN(start)) return failed("start", unreadableTime(f.start, "start"));
      }
      if (isNaN(end)) return failed("end", unreadableTime(f.end, "end"));
      if (later.start) return { start: NaN, end: end };
    } else {
      if (isNaN(end)) return failed("end", unreadableTime(f.end, "end"));
      var relative = f.mode !== "incremental";
      var back = (relative ? f.span : f.lookback) || f.defaultSpan;
      start = readTime(back, end);
      if (isNaN(start)) return failed(relative ? "span" : "lookback", unreadableTime(back, relative ? "span" : "look-back"));
    }
    var reversed = reversedWindow(start, end);
    if (reversed && !later.end) return failed(f.mode === "absolute" ? "end" : f.mode === "incremental" ? "lookback" : "span", reversed);
    return { start: start, end: end };
  }

  function failed(field, problem) {
    problem.field = field;
    return { problem: problem };
  }

  /** A comma text, a JSON array text, an array or a single value, as a list of items (codes, event types). */
  function listOf(value) {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    if (typeof value !== "string") return [value];
    var text = value.trim();
    if (text.charAt(0) === "[") {
      try {
        var parsed = JSON.parse(text);
        if (Array.isArray(parsed)) return parsed;
      } catch {
        // read as a comma list below, which then names the bad item
      }
    }
    return text
      .split(",")
      .map(function (s) {
        return s.trim();
      })
      .filter(function (s) {
        return s !== "";
      });
  }

  function isTuyaCode(value) {
    return typeof value === "string" && TUYA_CODE.test(value.trim());
  }

  /** The refusal of the first item of a code list (see listOf) that is not a data-point code, or null. */
  function badCode(value) {
    var items = listOf(value);
    for (var i = 0; i < items.length; i++) {
      if (isTuyaCode(items[i])) continue;
      var shown = JSON.stringify(items[i]);
      if (shown === undefined) shown = "undefined";
      return {
        key: "tuya-log.errors.badCode",
        params: { code: shown },
        message: "codes: " + shown + ' is not a data-point code such as "pir" or "va_temperature"; give a comma list or an array of codes',
      };
    }
    return null;
  }

  return {
    /** True when the value (string or number, spaces around allowed) is a HOBO logger serial. */
    isHoboSerial: function (value) {
      if (typeof value === "number") value = String(value);
      return typeof value === "string" && HOBO_SERIAL.test(value.trim());
    },
    /** True when the value (spaces around allowed) is a Tuya device id. */
    isTuyaDeviceId: function (value) {
      return typeof value === "string" && TUYA_DEVICE_ID.test(value.trim());
    },
    /** True when the value (spaces around allowed) is a Tuya data-point or command code. */
    isTuyaCode: isTuyaCode,
    listOf: listOf,
    badCode: badCode,
    readTime: readTime,
    describe: describe,
    unreadableTime: unreadableTime,
    reversedWindow: reversedWindow,
    readWindow: readWindow,
  };
});
