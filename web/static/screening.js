/* Screening pages: batch upload with per-file progress, batch polling, side-by-side lighting. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = (form || document).querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  // Labels come from the page (data-l10n), so the script speaks the page's language.
  var L = {};
  function t(key, fallback) { return L[key] || fallback; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---------------------------------------------------------------- upload page
  function initUpload(form) {
    var zone = document.getElementById("dropzone");
    var input = document.getElementById("files");
    var list = document.getElementById("upload-list");
    var maxBytes = parseInt(form.dataset.maxBytes, 10);
    var maxMb = form.dataset.maxMb;

    function showSelected() {
      list.innerHTML = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var li = el("li");
        li.appendChild(el("span", {}, file.name));
        li.appendChild(el("span", {class: "hint"}, (file.size / 1048576).toFixed(2) + " MB"));
        li.appendChild(el("span", {class: file.size > maxBytes ? "err" : "hint"},
          file.size > maxBytes ? t("too_large", "超过大小上限") + " (" + maxMb + " MB)" : t("ready", "待上传")));
        list.appendChild(li);
      });
    }

    zone.addEventListener("click", function (e) { if (e.target !== input) input.click(); });
    zone.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        showSelected();
      }
    });
    input.addEventListener("change", showSelected);

    form.addEventListener("submit", function (e) {
      if (!window.fetch || !window.FormData || !input.files.length) return;
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var token = csrfToken(form);
      var files = Array.prototype.slice.call(input.files);
      var body = {
        name: form.elements.name.value,
        min_match_chars: form.elements.min_match_chars.value,
        compare_peers: form.elements.compare_peers.checked
      };
      fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json"},
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (batch) {
        list.innerHTML = "";
        var rows = files.map(function (file) {
          var li = el("li", {"data-testid": "upload-row"});
          li.appendChild(el("span", {}, file.name));
          var bar = el("progress", {max: "100", value: "0"});
          li.appendChild(bar);
          var status = el("span", {class: "hint"}, t("waiting", "排队上传"));
          li.appendChild(status);
          list.appendChild(li);
          return {file: file, bar: bar, status: status};
        });
        var next = 0;
        function uploadOne(row) {
          return new Promise(function (resolve) {
            var base = form.dataset.api + "/" + batch.id;
            if (row.file.size > maxBytes) {
              fetch(base + "/refused", {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({name: row.file.name, size: row.file.size})
              }).then(function () {
                row.bar.value = 100;
                row.status.textContent = t("failed", "失败") + "：" + t("too_large", "超过大小上限") + " (" + maxMb + " MB)";
                row.status.className = "err";
                resolve();
              }, resolve);
              return;
            }
            var xhr = new XMLHttpRequest();
            var data = new FormData();
            data.append("file", row.file, row.file.name);
            xhr.open("POST", base + "/files");
            xhr.setRequestHeader("X-CSRFToken", token);
            xhr.setRequestHeader("Accept", "application/json");
            xhr.upload.onprogress = function (ev) {
              if (ev.lengthComputable) row.bar.value = Math.round(100 * ev.loaded / ev.total);
            };
            xhr.onload = function () {
              row.bar.value = 100;
              var sub = null, message = "";
              try {
                var payload = JSON.parse(xhr.responseText);
                sub = payload.submissions ? payload.submissions[0] : null;
                message = payload.error ? payload.error.message : "";
              } catch (err) { message = "HTTP " + xhr.status; }
              if (xhr.status >= 400) {
                row.status.textContent = t("failed", "失败") + "：" + (message || xhr.status);
                row.status.className = "err";
              } else if (sub && sub.state === "failed") {
                row.status.textContent = t("failed", "失败") + "：" + (sub.message || sub.reason_label);
                row.status.className = "err";
              } else {
                row.status.textContent = t("uploaded", "已上传") + (sub ? " · " + sub.state_label : "");
              }
              resolve();
            };
            xhr.onerror = function () { row.status.textContent = t("interrupted", "上传中断"); row.status.className = "err"; resolve(); };
            row.status.textContent = t("uploading", "上传中");
            xhr.send(data);
          });
        }
        function worker() {
          if (next >= rows.length) return Promise.resolve();
          var row = rows[next++];
          return uploadOne(row).then(worker);
        }
        return Promise.all([worker(), worker(), worker()]).then(function () {
          window.location.href = batch.url;
        });
      }).catch(function (err) {
        button.disabled = false;
        var li = el("li", {class: "err"}, t("submit_failed", "提交失败") + "：" + err.message);
        list.appendChild(li);
      });
    });
  }

  // ----------------------------------------------------------------- batch page
  function initBatch(table) {
    var hide = document.getElementById("hide-names");
    if (hide) {
      hide.checked = window.sessionStorage.getItem("chengxin-hide-names") === "1";
      table.classList.toggle("names-hidden", hide.checked);
      hide.addEventListener("change", function () {
        table.classList.toggle("names-hidden", hide.checked);
        window.sessionStorage.setItem("chengxin-hide-names", hide.checked ? "1" : "0");
      });
    }
    initSort(table);
    if (table.dataset.done === "true") return;
    var url = table.dataset.poll;
    var progress = document.getElementById("progress-text");

    function setChip(cell, cls, text) {
      cell.innerHTML = "";
      cell.appendChild(el("span", {class: "chip " + cls + (cls.indexOf("chip-") === 0 && cell.dataset.field === "copy_ratio" ? " ratio" : "")}, text));
    }

    function update(data) {
      data.submissions.forEach(function (sub) {
        var row = table.querySelector("tr[data-id='" + sub.id + "']");
        if (!row) return;
        row.dataset.state = sub.state;
        var cells = {};
        row.querySelectorAll("td[data-field]").forEach(function (td) { cells[td.dataset.field] = td; });
        cells.title.textContent = sub.title;
        cells.author.textContent = sub.author || "—";
        cells.chars.textContent = sub.chars === null ? "—" : sub.chars;
        cells.chars.dataset.value = sub.chars === null ? "" : sub.chars;
        if (cells.unit) cells.unit.textContent = sub.unit || "—";
        ["copy_ratio", "copy_ratio_without_quotes", "copy_ratio_without_own", "max_source_ratio", "verdict"].forEach(function (k) {
          var v = sub[k === "verdict" ? "copy_ratio" : k];
          if (cells[k]) cells[k].dataset.value = v === null ? "" : v;
        });
        if (cells.verdict && sub.copy_ratio !== null) {
          setChip(cells.verdict, sub.verdict_chip, sub.verdict);
          cells.verdict.firstChild.setAttribute("data-testid", "verdict");
        }
        setChip(cells.state, sub.state_chip, sub.state_label);
        if (sub.message) {
          var reason = el("div", {class: "reason", "data-testid": "reason"});
          reason.appendChild(el("strong", {}, sub.reason_label));
          reason.appendChild(document.createTextNode("：" + sub.message));
          cells.state.appendChild(reason);
        }
        sub.warnings.forEach(function (w) { cells.state.appendChild(el("div", {class: "warn hint"}, "⚠ " + w)); });
        if (sub.copy_ratio !== null) setChip(cells.copy_ratio, sub.verdict_chip, sub.figures_text.copy_ratio);
        cells.copy_ratio_without_quotes.textContent = sub.figures_text.copy_ratio_without_quotes;
        cells.copy_ratio_without_own.textContent = sub.figures_text.copy_ratio_without_own;
        cells.max_source_ratio.textContent = sub.figures_text.max_source_ratio;
        if (sub.report_url && !cells.link.querySelector("a")) {
          cells.link.appendChild(el("a", {href: sub.report_url, "data-testid": "report-link"}, t("view_report", "查看报告")));
        }
      });
      if (progress) progress.textContent = t("finished", "已完成") + " " + data.progress.finished + " / " + data.progress.total;
      return data.progress.is_done;
    }

    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (update(data)) {
            // Everything finished: reload once so rows sort by similarity.
            window.setTimeout(function () { window.location.reload(); }, 600);
          } else {
            window.setTimeout(poll, 2000);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }

  // Sort the batch table by a column: numbers by value (largest first on the first
  // click), text by the Chinese collation; rows without a value go last.
  function initSort(table) {
    var heads = table.querySelectorAll("th.sortable");
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      function sort() {
        var key = th.dataset.sort;
        var desc = !th.classList.contains("sorted-desc");
        heads.forEach(function (h) { h.classList.remove("sorted-desc", "sorted-asc"); });
        th.classList.add(desc ? "sorted-desc" : "sorted-asc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function value(row) {
          var td = row.querySelector("td[data-field='" + key + "']");
          if (!td) return null;
          if (td.dataset.value !== undefined) return td.dataset.value === "" ? null : parseFloat(td.dataset.value);
          var text = td.textContent.trim();
          return text === "—" || text === "" ? null : text;
        }
        rows.sort(function (a, b) {
          var x = value(a), y = value(b);
          if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
          var c = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return desc ? -c : c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }

  // ---------------------------------------------------------------- report page
  function initReport() {
    var left = document.getElementById("pane-left");
    var right = document.getElementById("pane-right");
    if (!left) return;
    var lit = [];

    function marksFor(id) {
      var sel = "mark[data-m~='" + id + "'], tr.passage-row[data-m='" + id + "']";
      return Array.prototype.slice.call(document.querySelectorAll(sel));
    }
    function clear() { lit.forEach(function (n) { n.classList.remove("lit"); }); lit = []; }
    function light(ids, scroll, fromPane) {
      clear();
      ids.forEach(function (id) { marksFor(id).forEach(function (n) { n.classList.add("lit"); lit.push(n); }); });
      if (!scroll) return;
      [left, right].forEach(function (pane) {
        if (!pane || pane === fromPane) return;
        var first = lit.filter(function (n) { return pane.contains(n); })[0];
        if (first) pane.scrollTop = first.offsetTop - 40;
      });
    }
    function idsOf(mark) { return (mark.dataset.m || "").split(" ").filter(Boolean); }
    function inRight(ids) { return right && ids.some(function (id) { return right.querySelector("mark[data-m~='" + id + "']"); }); }

    [left, right].forEach(function (pane) {
      if (!pane) return;
      pane.addEventListener("mouseover", function (e) {
        var mark = e.target.closest("mark");
        if (mark) light(idsOf(mark), false, pane);
      });
      pane.addEventListener("click", function (e) {
        var mark = e.target.closest("mark");
        if (!mark) return;
        var ids = idsOf(mark);
        if (pane === left && !inRight(ids) && mark.dataset.src) {
          var params = new URLSearchParams(window.location.search);
          params.set("source", mark.dataset.src);
          window.location.href = window.location.pathname + "?" + params.toString() + "#compare";
          return;
        }
        light(ids, true, pane);
      });
    });
    // Open on the selected source's first passage in both panes.
    var firstRight = right && right.querySelector("mark");
    if (firstRight) {
      var id = idsOf(firstRight)[0];
      right.scrollTop = firstRight.offsetTop - 40;
      var firstLeft = left.querySelector("mark[data-m~='" + id + "']");
      if (firstLeft) left.scrollTop = firstLeft.offsetTop - 40;
    }
    document.querySelectorAll("a.jump").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        light([a.dataset.m], true, null);
      });
    });
  }

  function initConfirm() {
    document.querySelectorAll("form.js-confirm").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.dataset.confirm)) e.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.querySelector("[data-l10n]");
    if (holder) { try { L = JSON.parse(holder.dataset.l10n); } catch (err) { L = {}; } }
    var form = document.getElementById("upload-form");
    if (form) initUpload(form);
    var table = document.getElementById("batch-table");
    if (table) initBatch(table);
    initReport();
    initConfirm();
  });
})();
