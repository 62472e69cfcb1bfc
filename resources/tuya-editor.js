/* Shared editor code of the Tuya nodes: the config dialog's values for the admin routes, and the
   device picker that lists the project's devices (POST tuya-config/devices) into a multi-select
   and writes the chosen ones as a name -> id map into the node's devices typedInput. */
/* global window, $, RED */
(function () {
  if (window.BestlabTuya) return;

  /** A text of a node set's catalog ("tuya-config.picker.failed") in the editor's language, from any node's dialog. */
  function text(key, params) {
    return RED._('@bestlab/node-red-platform/' + key.split('.')[0] + ':' + key, params);
  }

  function post(url, body, cb) {
    $.ajax({ url: url, type: 'POST', contentType: 'application/json', data: JSON.stringify(body), dataType: 'json' })
      .done(function (res) { cb(null, res); })
      .fail(function (xhr) { cb((xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText || text('tuya-config.picker.failed')); });
  }

  /** Values typed in the open tuya-config dialog (an untouched secret is sent as the placeholder). */
  function dialogValues(id) {
    var v = function (p) { return $('#node-config-input-' + p).val(); };
    return { id: id, endpointMode: v('endpointMode'), region: v('region'), endpoint: v('endpoint'), family: v('family'),
      accessId: v('accessId'), accessSecret: v('accessSecret') };
  }

  /** Values of a tuya-config picked in a flow node's dialog. A deployed config's secret is filled in by
      the server; one that is not deployed yet has it only here, as typed in its dialog. */
  function configValues(configId) {
    var c = RED.nodes.node(configId);
    if (!c) return null;
    var creds = c.credentials || {};
    return { id: c.id, endpointMode: c.endpointMode, region: c.region, endpoint: c.endpoint, family: c.family,
      accessId: creds.accessId || '', accessSecret: creds.accessSecret || '' };
  }

  function currentIds(input) {
    var type = input.typedInput('type');
    var value = input.typedInput('value');
    if (type !== 'json' && type !== 'str') return [];
    try {
      var v = JSON.parse(value);
      if (Array.isArray(v)) return v.map(function (e) { return typeof e === 'object' ? e.id : String(e); });
      if (v && typeof v === 'object') return Object.keys(v).map(function (k) { return v[k]; });
      return [String(v)];
    } catch {
      return String(value).split(',').map(function (s) { return s.trim(); });
    }
  }

  /** The picker's rows (button, status, list), put under the devices row so every node's dialog has the same. */
  function pickerRows(input, label, size) {
    var button = $('<button type="button" class="red-ui-button" id="node-input-tuya-pick"><i class="fa fa-list"></i> </button>');
    $('<span>').text(label).appendTo(button);
    var status = $('<span id="node-input-tuya-pickstatus" style="margin-left: 8px"></span>');
    var list = $('<select id="node-input-tuya-picklist" multiple style="width: 70%; display: none"></select>').attr('size', size || 8);
    // The rows take the devices row's classes, so a dialog that hides that row hides them too.
    var devicesRow = input.closest('.form-row');
    var row = function () { return $('<div><label>&nbsp;</label></div>').attr('class', devicesRow.attr('class')); };
    devicesRow.after([row().append(button, status), row().append(list)]);
    return { button: button, status: status, list: list };
  }

  /** opts: {config: '#node-input-tuya', input: '#node-input-devices', label: the button's text, size: list rows}. */
  function devicePicker(opts) {
    var input = $(opts.input);
    var rows = pickerRows(input, opts.label, opts.size);
    var list = rows.list;
    rows.button.on('click', function () {
      var body = configValues($(opts.config).val());
      var status = rows.status;
      if (!body) { status.text(text('tuya-config.picker.noConfig')); return; }
      status.text('…');
      post('tuya-config/devices', body, function (err, res) {
        if (err) { status.text(err); return; }
        var chosen = currentIds(input);
        list.empty().show();
        res.devices.forEach(function (d) {
          var entry = (d.name || d.id) + ' (' + d.category + (d.online ? '' : ', ' + text('tuya-config.picker.offline')) + ')';
          $('<option>').val(d.id).attr('data-name', d.name).text(entry).prop('selected', chosen.indexOf(d.id) >= 0).appendTo(list);
        });
        status.text(text('tuya-config.picker.devices', { count: res.devices.length }));
      });
    });
    list.on('change', function () {
      var map = {};
      list.find('option:selected').each(function () {
        var key = $(this).attr('data-name') || this.value;
        map[map[key] ? key + ' (' + this.value + ')' : key] = this.value;
      });
      input.typedInput('type', 'json');
      input.typedInput('value', JSON.stringify(map));
    });
  }

  /** The functions (code, type, name, parsed values) of the first device in a devices typedInput (POST tuya-config/functions). */
  function deviceFunctions(configId, input, cb) {
    var body = configValues(configId);
    if (!body) { cb(text('tuya-config.picker.noConfig')); return; }
    var device = currentIds($(input)).filter(Boolean)[0];
    if (!device) { cb(text('tuya-config.picker.noDevice')); return; }
    body.device = device;
    post('tuya-config/functions', body, cb);
  }

  window.BestlabTuya = { post: post, dialogValues: dialogValues, configValues: configValues, devicePicker: devicePicker, deviceFunctions: deviceFunctions };
})();
