/// The one inline script of `report.html`: filters, search, sorting and paging of the breaks table.
///
/// It reads the rows once from `<script type="application/json" id="tally-breaks">` (see
/// ``BreakTable``) and renders one page at a time, so 100,000 breaks cost one `JSON.parse` and
/// never 100,000 DOM rows. Every cell is set with `textContent` (never `innerHTML`), so a
/// provider string is text whatever it contains; the CSP allows this script by its SHA-256 only.
///
/// Sorting is stable with the report order as the last key, so a sort gives the same order on
/// every run and browser. Amounts are compared exactly: as numbers first, and as decimal strings
/// where two amounts are equal as doubles (beyond 2^53 minor units).
///
/// Kept free of `</` so it cannot end its own element; plain ES2017, no library.
enum ReportScript {
    static let source = #"""
        (function () {
          "use strict";
          var source = document.getElementById("tally-breaks");
          var table = document.getElementById("breaks");
          if (!source || !table || !window.JSON) return;
          var data = JSON.parse(source.textContent);
          var rows = data.rows, classes = data.classes, kinds = data.kinds, statuses = data.statuses, files = data.files;
          var RANK = { high: 0, medium: 1, info: 2 };
          var body = table.tBodies[0];
          var $ = function (id) { return document.getElementById(id); };
          var fClass = $("f-class"), fSeverity = $("f-severity"), fCurrency = $("f-currency"), fText = $("f-text");
          var fState = $("f-state");
          var fSize = $("f-size"), status = $("breaks-status"), printNote = $("breaks-print-note");
          var state = { key: null, dir: 1, page: 0, size: +fSize.value || 50 };
          var view = [];
          var haystack = null;
          var numbers = {};

          function text(parent, tag, value, className) {
            var node = document.createElement(tag);
            if (className) node.className = className;
            if (value !== "") node.textContent = value;
            parent.appendChild(node);
            return node;
          }
          function grouped(decimal) {
            if (decimal === "") return "";
            var sign = decimal.charAt(0) === "-" ? "-" : "";
            var digits = sign ? decimal.slice(1) : decimal;
            var dot = digits.indexOf(".");
            var whole = dot < 0 ? digits : digits.slice(0, dot);
            var out = "";
            for (var i = 0; i < whole.length; i++) {
              if (i > 0 && (whole.length - i) % 3 === 0) out += ",";
              out += whole.charAt(i);
            }
            return sign + out + (dot < 0 ? "" : digits.slice(dot));
          }
          function count(n) { return grouped(String(n)); }
          function currency(r) {
            if (r[6] === "" || r[7] === "" || r[6] === r[7]) return r[6] || r[7];
            return r[6] + " / " + r[7];
          }
          function place(r) { return r[11] < 0 ? "" : files[r[11]] + ":" + r[12]; }
          function fileName(path) { return path.slice(path.lastIndexOf("/") + 1); }
          // the text with a <wbr> after each "_", "-" and ".": a file or class name wraps between its parts
          function breakable(node, value) {
            var parts = value.split(/(?<=[_.-])/);
            for (var k = 0; k < parts.length; k++) {
              if (k > 0) node.appendChild(document.createElement("wbr"));
              node.appendChild(document.createTextNode(parts[k]));
            }
          }
          function firstSeen(age) {
            var p = data.window_to.split("-");
            var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]) - age * 86400000);
            return d.toISOString().slice(0, 10);
          }

          // Exact comparison of two decimal strings in major units ("" sorts first).
          function magnitude(a, b) {
            var da = a.indexOf("."), db = b.indexOf(".");
            var ia = da < 0 ? a : a.slice(0, da), ib = db < 0 ? b : b.slice(0, db);
            if (ia.length !== ib.length) return ia.length < ib.length ? -1 : 1;
            if (ia !== ib) return ia < ib ? -1 : 1;
            var fa = da < 0 ? "" : a.slice(da + 1), fb = db < 0 ? "" : b.slice(db + 1);
            while (fa.length < fb.length) fa += "0";
            while (fb.length < fa.length) fb += "0";
            return fa === fb ? 0 : fa < fb ? -1 : 1;
          }
          function decimal(a, b) {
            if (a === b) return 0;
            if (a === "") return -1;
            if (b === "") return 1;
            var na = a.charAt(0) === "-", nb = b.charAt(0) === "-";
            if (na !== nb) return na ? -1 : 1;
            var m = magnitude(na ? a.slice(1) : a, nb ? b.slice(1) : b);
            return na ? -m : m;
          }
          function plain(a, b) { return a === b ? 0 : a < b ? -1 : 1; }
          function amountKey(column) {
            if (!numbers[column]) {
              var keys = new Float64Array(rows.length);
              for (var i = 0; i < rows.length; i++) keys[i] = rows[i][column] === "" ? -Infinity : +rows[i][column];
              numbers[column] = keys;
            }
            var cached = numbers[column];
            return function (a, b) {
              return cached[a] !== cached[b] ? (cached[a] < cached[b] ? -1 : 1) : decimal(rows[a][column], rows[b][column]);
            };
          }
          var COMPARE = {
            "class": function (a, b) { return plain(classes[rows[a][0]][0], classes[rows[b][0]][0]); },
            severity: function (a, b) { return RANK[classes[rows[b][0]][1]] - RANK[classes[rows[a][0]][1]]; },
            "new": function (a, b) { return rows[a][10] - rows[b][10]; },
            reference: function (a, b) { return plain(rows[a][1], rows[b][1]); },
            kind: function (a, b) { return rows[a][2] - rows[b][2]; },
            provider: function (a, b) { return amountKey(3)(a, b); },
            ledger: function (a, b) { return amountKey(4)(a, b); },
            difference: function (a, b) { return amountKey(5)(a, b); },
            currency: function (a, b) { return plain(currency(rows[a]), currency(rows[b])); },
            status: function (a, b) {
              return plain(rows[a][8] < 0 ? "" : statuses[rows[a][8]], rows[b][8] < 0 ? "" : statuses[rows[b][8]]);
            },
            age: function (a, b) { return rows[a][9] - rows[b][9]; },
            place: function (a, b) { return rows[a][11] - rows[b][11] || rows[a][12] - rows[b][12]; }
          };

          function fill(select, values) {
            for (var i = 0; i < values.length; i++) {
              var option = document.createElement("option");
              option.value = values[i][0];
              option.textContent = values[i][1];
              select.appendChild(option);
            }
          }
          (function () {
            var perClass = [], perSeverity = { high: 0, medium: 0, info: 0 }, perCurrency = {}, perState = {};
            for (var i = 0; i < rows.length; i++) {
              var r = rows[i];
              perClass[r[0]] = (perClass[r[0]] || 0) + 1;
              perSeverity[classes[r[0]][1]] += 1;
              if (r[6] !== "") perCurrency[r[6]] = (perCurrency[r[6]] || 0) + 1;
              if (r[7] !== "" && r[7] !== r[6]) perCurrency[r[7]] = (perCurrency[r[7]] || 0) + 1;
              if (r[15] !== "") perState[r[15]] = (perState[r[15]] || 0) + 1;
            }
            var options = [];
            for (var c = 0; c < classes.length; c++) {
              if (perClass[c]) options.push([String(c), classes[c][0] + " (" + count(perClass[c]) + ")"]);
            }
            fill(fClass, options);
            fill(fSeverity, ["high", "medium", "info"].filter(function (s) { return perSeverity[s] > 0; })
              .map(function (s) { return [s, s + " (" + count(perSeverity[s]) + ")"]; }));
            fill(fCurrency, Object.keys(perCurrency).sort()
              .map(function (code) { return [code, code + " (" + count(perCurrency[code]) + ")"]; }));
            fill(fState, Object.keys(perState).sort()
              .map(function (name) { return [name, name.replace(/_/g, " ") + " (" + count(perState[name]) + ")"]; }));
          })();

          function filter() {
            var wantClass = fClass.value === "" ? -1 : +fClass.value;
            var wantSeverity = fSeverity.value, wantCurrency = fCurrency.value, wantState = fState.value;
            var query = fText.value.trim().toLowerCase();
            if (query !== "" && haystack === null) {
              haystack = new Array(rows.length);
              for (var h = 0; h < rows.length; h++) {
                var s = rows[h];
                haystack[h] = (s[1] + "\n" + (s[8] < 0 ? "" : statuses[s[8]]) + "\n" + place(s) + "\n" + s[13] + "\n" + s[14]).toLowerCase();
              }
            }
            var out = [];
            for (var i = 0; i < rows.length; i++) {
              var r = rows[i];
              if (wantClass >= 0 && r[0] !== wantClass) continue;
              if (wantSeverity !== "" && classes[r[0]][1] !== wantSeverity) continue;
              if (wantCurrency !== "" && r[6] !== wantCurrency && r[7] !== wantCurrency) continue;
              if (wantState !== "" && r[15] !== wantState) continue;
              if (query !== "" && haystack[i].indexOf(query) < 0) continue;
              out.push(i);
            }
            if (state.key !== null) {
              var compare = COMPARE[state.key], dir = state.dir;
              out.sort(function (a, b) { return dir * compare(a, b) || a - b; });
            }
            view = out;
          }

          function render() {
            var pages = Math.max(1, Math.ceil(view.length / state.size));
            if (state.page >= pages) state.page = pages - 1;
            var start = state.page * state.size, end = Math.min(view.length, start + state.size);
            var fragment = document.createDocumentFragment();
            for (var i = start; i < end; i++) {
              var r = rows[view[i]];
              var tr = document.createElement("tr");
              var cls = classes[r[0]];
              var first = text(tr, "td", "");
              breakable(first, cls[0]);
              if (r[13] !== "") text(first, "span", r[13], "detail");
              text(tr, "td", cls[1], "sev " + cls[1]);
              text(text(tr, "td", ""), "span", r[10] ? "new" : "persisting", r[10] ? "badge new" : "badge persisting");
              var ref = text(tr, "td", "", "ref");
              text(ref, "code", r[1]);
              if (r[14] !== "") ref.title = "item " + r[14];
              if (r[15] !== "" && r[15] !== "open") {
                ref.appendChild(document.createTextNode(" "));
                text(ref, "span", r[15], "badge item-state");
              }
              text(tr, "td", r[2] < 0 ? "" : kinds[r[2]]);
              text(tr, "td", grouped(r[3]), "num");
              text(tr, "td", grouped(r[4]), "num");
              text(tr, "td", grouped(r[5]), "num");
              text(tr, "td", currency(r));
              text(tr, "td", r[8] < 0 ? "" : statuses[r[8]]);
              text(tr, "td", String(r[9]), "num").title = "open since " + firstSeen(r[9]);
              var where = text(tr, "td", "", "place");
              if (r[11] >= 0) breakable(where, fileName(files[r[11]]) + ":" + r[12]);
              if (r[11] >= 0) where.title = files[r[11]];
              fragment.appendChild(tr);
            }
            while (body.firstChild) body.removeChild(body.firstChild);
            if (view.length === 0) {
              var empty = text(document.createElement("tr"), "td", "No break matches these filters.", "empty");
              empty.colSpan = 12;
              fragment.appendChild(empty.parentNode);
            }
            body.appendChild(fragment);
            var shown = view.length === 0 ? "No breaks" : "Breaks " + count(start + 1) + "\u2013" + count(end) + " of " + count(view.length);
            status.textContent = shown + (view.length === rows.length ? "" : " matching (" + count(rows.length) + " in all)");
            status.setAttribute("data-matching", String(view.length));
            status.setAttribute("data-shown", String(end - start));
            $("page-label").textContent = "Page " + count(state.page + 1) + " of " + count(pages);
            $("page-first").disabled = $("page-prev").disabled = state.page === 0;
            $("page-next").disabled = $("page-last").disabled = state.page >= pages - 1;
            printNote.textContent = "Printed from the screen: " + shown.toLowerCase() +
              ". Every break is in breaks.csv and report.json beside this file.";
          }

          function update() { state.page = 0; filter(); render(); }

          var headers = table.tHead.rows[0].cells;
          for (var i = 0; i < headers.length; i++) {
            (function (th) {
              var key = th.getAttribute("data-key");
              if (!COMPARE[key]) return;
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = th.textContent;
              button.title = "Sort by " + th.textContent.toLowerCase();
              th.textContent = "";
              th.appendChild(button);
              button.addEventListener("click", function () {
                state.dir = state.key === key ? -state.dir : 1;
                state.key = key;
                for (var j = 0; j < headers.length; j++) headers[j].removeAttribute("aria-sort");
                th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
                update();
              });
            })(headers[i]);
          }
          [fClass, fSeverity, fCurrency, fState].forEach(function (select) { select.addEventListener("change", update); });
          var pending = null;
          fText.addEventListener("input", function () {
            clearTimeout(pending);
            pending = setTimeout(update, 150);
          });
          fSize.addEventListener("change", function () { state.size = +fSize.value; update(); });
          $("f-clear").addEventListener("click", function () {
            fClass.value = fSeverity.value = fCurrency.value = fState.value = fText.value = "";
            update();
          });
          function go(page) { return function () { state.page = page(); render(); }; }
          $("page-first").addEventListener("click", go(function () { return 0; }));
          $("page-prev").addEventListener("click", go(function () { return Math.max(0, state.page - 1); }));
          $("page-next").addEventListener("click", go(function () { return state.page + 1; }));
          $("page-last").addEventListener("click", go(function () { return Math.ceil(view.length / state.size) - 1; }));
          $("breaks-filters").hidden = false;
          $("breaks-pager").hidden = false;
          table.setAttribute("data-rendered", "script");
          update();
        })();
        """#
}
