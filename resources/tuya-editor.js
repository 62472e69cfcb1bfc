/* Shared editor code of the Tuya nodes: the config dialog's values for the admin routes, and the
   device picker that lists the project's devices (POST tuya-config/devices) into a multi-select
   and writes the chosen ones as a name -> id map into the node's devices typedInput. */
/* global window, $, RED */
(function () {
  if (window.BestlabTuya) return;

  function post(url, body, cb) {
    $.ajax({ url: url, type: 'POST', contentType: 'application/json', data: JSON.stringify(body), dataType: 'json' })
      .done(function (res) { cb(null, res); })
      .fail(function (xhr) { cb((xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText || 'request failed'); });
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

  /** opts: {config: '#node-input-tuya', button, list, status, input: '#node-input-devices'}. */
  function devicePicker(opts) {
    var list = $(opts.list);
    var input = $(opts.input);
    $(opts.button).on('click', function () {
      var body = configValues($(opts.config).val());
      var status = $(opts.status);
      if (!body) { status.text('choose a tuya-config first'); return; }
      status.text('…');
      post('tuya-config/devices', body, function (err, res) {
        if (err) { status.text(err); return; }
        var chosen = currentIds(input);
        list.empty().show();
        res.devices.forEach(function (d) {
          var text = (d.name || d.id) + ' (' + d.category + (d.online ? '' : ', offline') + ')';
          $('<option>').val(d.id).attr('data-name', d.name).text(text).prop('selected', chosen.indexOf(d.id) >= 0).appendTo(list);
        });
        status.text(res.devices.length + ' devices');
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
    if (!body) { cb('choose a tuya-config first'); return; }
    var device = currentIds($(input)).filter(Boolean)[0];
    if (!device) { cb('pick or type a device first'); return; }
    body.device = device;
    post('tuya-config/functions', body, cb);
  }

  window.BestlabTuya = { post: post, dialogValues: dialogValues, configValues: configValues, devicePicker: devicePicker, deviceFunctions: deviceFunctions };
})();
