#!/usr/bin/env node
// `npx bestlab-emulator`, the installed pack's command: the emulators of `npm run emulator`, compiled
// (no tsx needed), on the ports the example flows expect (Tuya 8830, HOBOlink 8831). --tuya-port N
// and --hobo-port N choose others (0: a free port); the JSON line on stdout says where they listen.
"use strict";
const cli = require("../dist/src/emulator/cli.js");
cli.run(cli.examplePorts);
