/* Progressive enhancement for labourflow's forms; everything also works without this script.
   - checks as you type (ID number GB 11643, credit code GB 32100, mobile, past dates, amounts),
     with the same messages the server gives, next to the field;
   - evidence files: type and size checked before anything is uploaded;
   - a collective dispute shows its representatives; one click submits a form once. */
(function () {
  "use strict";
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], ID_CHECK = "10X98765432";
  var USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function idOk(v) {
    v = v.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) return false;
    var y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14), dt = new Date(y, m - 1, d);
    if (dt.getFullYear() !== y || dt.getMonth() !== m - 1 || dt.getDate() !== d) return false;
    var s = 0; for (var i = 0; i < 17; i++) s += +v[i] * ID_WEIGHTS[i];
    return ID_CHECK[s % 11] === v[17];
  }
  function usccOk(v) {
    v = v.trim().toUpperCase();
    if (v.length !== 18) return false;
    var s = 0;
    for (var i = 0; i < 18; i++) if (USCC_CHARS.indexOf(v[i]) < 0) return false;
    for (var j = 0; j < 17; j++) s += USCC_CHARS.indexOf(v[j]) * USCC_WEIGHTS[j];
    return USCC_CHARS[(31 - s % 31) % 31] === v[17];
  }
  function mobileOk(v) { v = v.replace(/[\s-]/g, "").replace(/^\+?86(?=1\d{10}$)/, ""); return /^1[3-9]\d{9}$/.test(v); }
  function today() { var d = new Date(Date.now() + 8 * 3600 * 1000); return d.toISOString().slice(0, 10); }
  var CHECKS = {
    id_number: idOk, uscc: usccOk, mobile: mobileOk,
    past_date: function (v, el) { return v <= (el.max || today()); },
    amount: function (v) { return /^\d+(\.\d{1,2})?$/.test(v.trim()); }
  };
  function errorBox(input) { return document.getElementById(input.id + "-error"); }
  function show(input, message) {
    var box = errorBox(input);
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    if (box) { box.textContent = message || ""; box.hidden = !message; }
  }
  function check(input) {
    var kind = input.dataset.check, value = input.value;
    if (!kind || !value) { if (kind) show(input, ""); return true; }
    var ok = CHECKS[kind](value, input);
    show(input, ok ? "" : input.getAttribute("data-msg-" + kind));
    return ok;
  }
  function checkFiles(input) {
    var max = +input.dataset.maxBytes, most = +input.dataset.maxFiles, files = input.files || [], msg = "";
    if (files.length > most) msg = input.dataset.msgTooMany;
    for (var i = 0; i < files.length && !msg; i++) {
      var f = files[i];
      if (f.size > max) msg = input.dataset.msgTooLarge.replace("{name}", f.name);
      else if (!/^(application\/pdf|image\/jpeg|image\/png)$/.test(f.type)) msg = input.dataset.msgBadType.replace("{name}", f.name);
    }
    show(input, msg);
    return !msg;
  }
  function toggleCollective(form) {
    var count = form.querySelector("[name=worker_count]"), box = form.querySelector("[data-show-when-collective]");
    if (count && box) box.hidden = (+count.value || 1) < 10 && !box.querySelector("[aria-invalid=true]");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-validate]").forEach(function (form) {
      form.addEventListener("change", function (e) {
        var el = e.target;
        if (el.dataset && el.dataset.check) check(el);
        if (el.type === "file" && el.dataset.maxBytes) checkFiles(el);
        if (el.name === "worker_count") toggleCollective(form);
      });
      toggleCollective(form);
      form.addEventListener("submit", function (e) {
        var ok = true, first = null;
        form.querySelectorAll("[data-check]").forEach(function (el) { if (!check(el)) { ok = false; first = first || el; } });
        form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (el) { if (!checkFiles(el)) { ok = false; first = first || el; } });
        if (!ok) { e.preventDefault(); first.focus(); return; }
        if (form.hasAttribute("data-once")) {
          if (form.dataset.sent) { e.preventDefault(); return; }
          form.dataset.sent = "1";
          var button = form.querySelector("button[type=submit]");
          if (button) { button.disabled = true; if (button.dataset.busyText) button.textContent = button.dataset.busyText; }
        }
      });
    });
    var summary = document.getElementById("error-summary");
    var firstBad = document.querySelector("[aria-invalid=true]");
    if (firstBad) firstBad.focus(); else if (summary) summary.focus();
  });
})();
