/**
 * The editor code every dialog of the pack shares (Tuya, HOBOlink and eGauge alike), served by
 * Node-RED under /resources/@bestlab/node-red-platform/bestlab-editor.js beside rules.js:
 * - window fields (relative span, absolute start/end, incremental look-back) validated by the
 *   runtime's own reading of them (BestlabRules.readWindow), with the runtime's message;
 * - code and device-id checks by the shared rules;
 * - the test-connection button of each config dialog (Node-RED button, status icon and text);
 * - the Tuya data centers, listed by the runtime (GET tuya-config/regions) from its own table;
 * - the Tuya device picker and function list.
 * The pure helpers (validators, texts) run in Node too (test/unit/editor/*.spec.ts): the file is
 * UMD, and touches RED and $ only when a dialog calls it.
 */
/* global $, RED */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./rules.js"));
  // Node-RED loads a node set's script files in no set order (before its inline scripts), so
  // rules.js may come after this file: its rules are looked up when first used.
  else if (!root.BestlabEditor)
    root.BestlabEditor = factory(null, function () {
      return root.BestlabRules;
    });
})(this, function (loaded, later) {
  "use strict";
  /** The shared rules (resources/rules.js). */
  function R() {
    return loaded || later();
  }
  var MODULE = "@bestlab/node-red-platform";

  /** The namespace-qualified catalog key, as the runtime's nodes/shared/i18n.ts qualifies it (library keys live under common.lib.). */
  function qualified(key) {
    var full = key.indexOf("common.") === 0 || /^[a-z]+-[a-z-]+\./.test(key) ? key : "common.lib." + key;
    var set = full.indexOf("common.") === 0 ? "tuya-config" : full.slice(0, full.indexOf("."));
    return MODULE + "/" + set + ":" + full;
  }

  /** A text of any of the pack's catalogs ("tuya-config.picker.noConfig") in the editor's language. */
  function text(key, params) {
    return RED._(qualified(key), params);
  }

  /**
   * What the runtime says for a refusal: in English the library's own text (the runtime keeps a
   * thrower's English message), in another language the catalog's. translate/lang default to the editor's.
   */
  function problemText(problem, translate, lang) {
    if (!problem) return "";
    if (lang === undefined) lang = typeof RED !== "undefined" && RED.i18n && RED.i18n.lang ? RED.i18n.lang() : "en-US";
    if (problem.message && /^en\b/i.test(lang || "en")) return problem.message;
    var full = qualified(problem.key);
    var out = (
      translate ||
      function (k, p) {
        return RED._(k, p);
      }
    )(full, problem.params);
    return out && out !== full ? out : problem.message || problem.key;
  }

  /** A 3.x validator (value, opt) from a problem finder: true, or false / the refusal's text when Node-RED asks for one. */
  function validator(find) {
    return function (v, opt) {
      var problem = find.call(this, v);
      return !problem || (opt ? problemText(problem) : false);
    };
  }

  /** A typed input's value as the runtime evaluates it: text types as given, others known only when a message comes. */
  function typedValue(type, value) {
    if (value === "" || value === undefined || value === null) return { value: undefined };
    if (!type || type === "str") return { value: value };
    if (type === "num") return { value: Number(value) };
    return { later: true };
  }

  /**
   * The problem the runtime would report for a history node's window, for the one input being
   * validated (field: "span", "lookback", "start", "end"), given the node's other values. node:
   * {window, span, lookback, start, startType, end, endType}; defaultSpan: the node's default.
   */
  function windowProblem(node, field, value, defaultSpan, now) {
    var values = {
      window: node.window,
      span: node.span,
      lookback: node.lookback,
      start: node.start,
      startType: node.startType,
      end: node.end,
      endType: node.endType,
    };
    values[field] = value;
    var mode = values.window === "absolute" || values.window === "incremental" ? values.window : "relative";
    var start = typedValue(values.startType, values.start);
    var end = typedValue(values.endType, values.end);
    var read = R().readWindow(
      {
        mode: mode,
        span: values.span,
        lookback: values.lookback,
        defaultSpan: defaultSpan,
        start: start.value,
        end: end.value,
        later: { start: start.later, end: end.later },
      },
      now === undefined ? Date.now() : now,
    );
    return read.problem && read.problem.field === field ? read.problem : null;
  }

  /**
   * The window entries of a history node's defaults (window, span, start, end, look-back, store),
   * each validated by the runtime's reading. opts: {span: the default span and look-back (also what
   * the runtime reads for an empty one), when: function (node) -> false where the window does not apply}.
   */
  function windowDefaults(opts) {
    function check(field) {
      return validator(function (v) {
        if (opts.when && !opts.when(this)) return null;
        return windowProblem(this, field, v, opts.span);
      });
    }
    return {
      window: { value: "relative" },
      span: { value: opts.span, validate: check("span") },
      start: { value: "", validate: check("start") },
      startType: { value: "str" },
      end: { value: "now", validate: check("end") },
      endType: { value: "str" },
      lookback: { value: opts.span, validate: check("lookback") },
      store: { value: "" },
    };
  }

  /** Adds the window entries to a node's other defaults. */
  function withWindow(defaults, opts) {
    var w = windowDefaults(opts);
    for (var k in w) if (Object.prototype.hasOwnProperty.call(w, k)) defaults[k] = w[k];
    return defaults;
  }

  /** The problem with a codes input as the runtime reads it (a comma text, or JSON; other types known only at run time). */
  function codesProblem(type, value) {
    if (value === "" || value === undefined) return null;
    if (!type || type === "str") return R().badCode(value);
    if (type !== "json") return null;
    try {
      return R().badCode(JSON.parse(value));
    } catch {
      return { key: "common.editor.badJson", params: {} };
    }
  }

  /** A device-id list typed as text ("id", "id1, id2"): each must be a device id. JSON shapes are left to the runtime. */
  function devicesProblem(type, value) {
    if (type !== "str" || typeof value !== "string" || /^\s*[[{]/.test(value)) return null;
    var bad = value
      .split(",")
      .map(function (s) {
        return s.trim();
      })
      .filter(function (s) {
        return s !== "" && !R().isTuyaDeviceId(s);
      })[0];
    return bad === undefined ? null : { key: "common.devices.badId", params: { label: "devices", value: '"' + bad.slice(0, 40) + '"' } };
  }

  /** The validator of a Tuya devices typed input: text-typed ids by the shared rule, other types as Node-RED checks them. */
  function devicesValidator(typeField) {
    var check = validator(function (v) {
      return devicesProblem(this[typeField], v);
    });
    return function (v, opt) {
      var verdict = check.call(this, v, opt);
      return verdict !== true ? verdict : RED.validators.typedInput(typeField).call(this, v, opt);
    };
  }

  // ---- browser only below: RED and $ are the editor's ----

  function post(url, body, cb) {
    $.ajax({ url: url, type: "POST", contentType: "application/json", data: JSON.stringify(body), dataType: "json" })
      .done(function (res) {
        cb(null, res);
      })
      .fail(function (xhr) {
        cb((xhr.responseJSON && xhr.responseJSON.error) || text("common.editor.failed", { status: xhr.status }));
      });
  }

  var styled = false;
  /** The result styles, once per page: Node-RED's own success and error colours (both themes). */
  function addStyles() {
    if (styled || typeof document === "undefined") return;
    styled = true;
    $("<style>")
      .text(
        ".bestlab-test-result { margin-left: 8px; }" +
          ".bestlab-test-result.bestlab-test-ok { color: var(--red-ui-text-color-success, #3c763d); }" +
          ".bestlab-test-result.bestlab-test-fail { color: var(--red-ui-text-color-error, #b94a48); }" +
          ".bestlab-test-result i.fa { margin-right: 4px; }",
      )
      .appendTo("head");
  }

  /**
   * The config dialog's test-connection button. opts: {button, result (selectors), url (admin
   * route), values: function () -> body, ok: function (answer) -> text}. The result shows a
   * spinner while the request runs, then a check and the text, or a warning sign and the error.
   */
  function testButton(opts) {
    var button = $(opts.button);
    button.on("click", function () {
      button.prop("disabled", true);
      showResult(opts.result, "running", text("common.editor.testing"));
      post(opts.url, opts.values(), function (err, res) {
        button.prop("disabled", false);
        if (err) showResult(opts.result, "fail", err);
        else showResult(opts.result, "ok", opts.ok(res));
      });
    });
  }

  var ICONS = { running: "fa-spinner fa-spin", ok: "fa-check", fail: "fa-exclamation-triangle" };
  /** Shows a request's state ("running", "ok", "fail") in a result element: Node-RED's icon and colour, and the text. */
  function showResult(el, state, message) {
    addStyles();
    var out = $(el)
      .addClass("bestlab-test-result")
      .removeClass("bestlab-test-ok bestlab-test-fail bestlab-test-running")
      .addClass("bestlab-test-" + state);
    out.empty().append($("<i>").addClass("fa " + ICONS[state]), $("<span>").text(message));
  }

  /** The values of the open config dialog's inputs (node-config-input-<field>), for an admin route; checkboxes as booleans. */
  function configDialogValues(id, fields) {
    var body = { id: id };
    fields.forEach(function (f) {
      var input = $("#node-config-input-" + f);
      body[f] = input.attr("type") === "checkbox" ? input.is(":checked") : input.val();
    });
    return body;
  }

  var regions = null;
  /** True when the value is a Tuya data center the runtime lists (any code before the list has come). */
  function isRegion(value) {
    if (typeof value !== "string" || value === "") return false;
    if (!regions) return /^[a-z-]+$/i.test(value);
    return regions.some(function (r) {
      return r.code === value || r.aliases.indexOf(value) >= 0;
    });
  }

  /** Fills the data-center select from the runtime's table (GET tuya-config/regions), keeping the node's value. */
  function regionSelect(select, current) {
    select = $(select);
    // The node's value stays selectable while the list comes, so a quick OK keeps it.
    if (current) $("<option>").val(current).text(current).appendTo(select.empty());
    select.val(current);
    $.getJSON("tuya-config/regions").done(function (list) {
      regions = list;
      var chosen = select.val() || current;
      select.empty();
      list.forEach(function (r) {
        var label = RED._(qualified("tuya-config.regions." + r.code));
        if (!label || label.indexOf("tuya-config.regions.") >= 0) label = r.label;
        $("<option>")
          .val(r.code)
          .text(label + " (" + r.code + ")")
          .appendTo(select);
      });
      if (
        chosen &&
        !list.some(function (r) {
          return r.code === chosen;
        })
      )
        $("<option>").val(chosen).text(chosen).appendTo(select);
      select.val(chosen || "us").trigger("change");
    });
  }

  /** The visible window rows of a history dialog follow its window choice; start and end are typed inputs. */
  function windowFields(prefix, extraToggle) {
    $("#node-input-start").typedInput({ typeField: "#node-input-startType", types: ["str", "num", "msg", "flow", "global", "env"] });
    $("#node-input-end").typedInput({ typeField: "#node-input-endType", types: ["str", "num", "msg", "flow", "global", "env"] });
    function toggle() {
      var w = $("#node-input-window").val();
      var on = extraToggle ? extraToggle() : true;
      $("." + prefix + "-span-row").toggle(on && w === "relative");
      $("." + prefix + "-start-row").toggle(on && w === "absolute");
      $("." + prefix + "-incremental-row").toggle(on && w === "incremental");
    }
    $("#node-input-window").on("change", toggle);
    toggle();
    return toggle;
  }

  // ---- the Tuya device picker ----

  /** Values of a tuya-config picked in a flow node's dialog. A deployed config's secret is filled in by
      the server; one that is not deployed yet has it only here, as typed in its dialog. */
  function configValues(configId) {
    var c = RED.nodes.node(configId);
    if (!c) return null;
    var creds = c.credentials || {};
    return {
      id: c.id,
      endpointMode: c.endpointMode,
      region: c.region,
      endpoint: c.endpoint,
      family: c.family,
      accessId: creds.accessId || "",
      accessSecret: creds.accessSecret || "",
    };
  }

  function currentIds(input) {
    var type = input.typedInput("type");
    var value = input.typedInput("value");
    if (type !== "json" && type !== "str") return [];
    try {
      var v = JSON.parse(value);
      if (Array.isArray(v))
        return v.map(function (e) {
          return typeof e === "object" ? e.id : String(e);
        });
      if (v && typeof v === "object")
        return Object.keys(v).map(function (k) {
          return v[k];
        });
      return [String(v)];
    } catch {
      return String(value)
        .split(",")
        .map(function (s) {
          return s.trim();
        });
    }
  }

  /** The picker's rows (button, status, list), put under the devices row so every node's dialog has the same. */
  function pickerRows(input, label, size) {
    var button = $('<button type="button" class="red-ui-button" id="node-input-tuya-pick"><i class="fa fa-list"></i> </button>');
    $("<span>").text(label).appendTo(button);
    var status = $('<span id="node-input-tuya-pickstatus" style="margin-left: 8px"></span>');
    var list = $('<select id="node-input-tuya-picklist" multiple style="width: 70%; display: none"></select>').attr("size", size || 8);
    // The rows take the devices row's classes, so a dialog that hides that row hides them too.
    var devicesRow = input.closest(".form-row");
    var row = function () {
      return $("<div><label>&nbsp;</label></div>").attr("class", devicesRow.attr("class"));
    };
    devicesRow.after([row().append(button, status), row().append(list)]);
    return { button: button, status: status, list: list };
  }

  /** opts: {config: '#node-input-tuya', input: '#node-input-devices', label: the button's text, size: list rows}. */
  function devicePicker(opts) {
    var input = $(opts.input);
    var rows = pickerRows(input, opts.label, opts.size);
    var list = rows.list;
    rows.button.on("click", function () {
      var body = configValues($(opts.config).val());
      var status = rows.status;
      if (!body) {
        status.text(text("tuya-config.picker.noConfig"));
        return;
      }
      status.text("…");
      post("tuya-config/devices", body, function (err, res) {
        if (err) {
          status.text(err);
          return;
        }
        var chosen = currentIds(input);
        list.empty().show();
        res.devices.forEach(function (d) {
          var entry = (d.name || d.id) + " (" + d.category + (d.online ? "" : ", " + text("tuya-config.picker.offline")) + ")";
          $("<option>")
            .val(d.id)
            .attr("data-name", d.name)
            .text(entry)
            .prop("selected", chosen.indexOf(d.id) >= 0)
            .appendTo(list);
        });
        status.text(text("tuya-config.picker.devices", { count: res.devices.length }));
      });
    });
    list.on("change", function () {
      var map = {};
      list.find("option:selected").each(function () {
        var key = $(this).attr("data-name") || this.value;
        map[map[key] ? key + " (" + this.value + ")" : key] = this.value;
      });
      input.typedInput("type", "json");
      input.typedInput("value", JSON.stringify(map));
    });
  }

  /** The functions (code, type, name, parsed values) of the first device in a devices typedInput (POST tuya-config/functions). */
  function deviceFunctions(configId, input, cb) {
    var body = configValues(configId);
    if (!body) {
      cb(text("tuya-config.picker.noConfig"));
      return;
    }
    var device = currentIds($(input)).filter(Boolean)[0];
    if (!device) {
      cb(text("tuya-config.picker.noDevice"));
      return;
    }
    body.device = device;
    post("tuya-config/functions", body, cb);
  }

  return {
    qualified: qualified,
    text: text,
    problemText: problemText,
    validator: validator,
    typedValue: typedValue,
    windowProblem: windowProblem,
    windowDefaults: windowDefaults,
    withWindow: withWindow,
    codesProblem: codesProblem,
    devicesProblem: devicesProblem,
    devicesValidator: devicesValidator,
    post: post,
    testButton: testButton,
    showResult: showResult,
    configDialogValues: configDialogValues,
    isRegion: isRegion,
    regionSelect: regionSelect,
    windowFields: windowFields,
    configValues: configValues,
    devicePicker: devicePicker,
    deviceFunctions: deviceFunctions,
  };
});
