// Preloaded into node-red-dev so its catalogue look-ups (P08, N01) answer offline with an empty catalogue.
const nock = require("nock");
nock("https://catalogue.nodered.org").persist().get("/catalogue.json").reply(200, { name: "stub", updated_at: new Date().toISOString(), modules: [] });
