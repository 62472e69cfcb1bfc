/**
 * Input rules shared, as one definition, by the editor dialogs (served by Node-RED under
 * /resources/@bestlab/node-red-platform/rules.js), the nodes' message path and the library
 * (src/core/rules.ts loads this file). Plain ES5 and pure, so the browser and Node read it alike.
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
  };
});
