// Copies the front-end files the page serves from node_modules (installed by `npm ci` from the
// lockfile) into ../static/vendor, with their licences. Run by `npm run vendor`; no CDN at run time.
"use strict";
const fs = require("fs");
const path = require("path");

const FILES = {
  "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
  "cytoscape/LICENSE": "cytoscape.LICENSE",
  "@zazuko/yasgui/build/yasgui.min.js": "yasgui.min.js",
  "@zazuko/yasgui/build/yasgui.min.css": "yasgui.min.css",
};

const out = path.join(__dirname, "..", "static", "vendor");
fs.mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(FILES)) {
  fs.copyFileSync(path.join(__dirname, "node_modules", from), path.join(out, to));
}
// YASGUI's npm package carries its MIT licence in package.json only; write it beside the script.
const pkg = require(path.join(__dirname, "node_modules", "@zazuko", "yasgui", "package.json"));
const author = typeof pkg.author === "object" && pkg.author ? pkg.author.name : pkg.author;
fs.writeFileSync(path.join(out, "yasgui.LICENSE"),
  `${pkg.name} ${pkg.version} — licence: ${pkg.license} — ${pkg.homepage}\nAuthor: ${author}\n`);
