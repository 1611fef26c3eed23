/* Progressive enhancement for labourflow's forms; everything also works without this script.
   - checks as you type (ID number GB 11643 with its birthplace code, credit code GB 32100, mobile,
     past dates, amounts: the server's own checks, in checks.js), with the server's messages, next
     to the field;
   - evidence files: type and size checked before anything is uploaded;
   - a collective dispute shows its representatives; one click submits a form once. */
(function () {
  "use strict";
  var C = window.LabourflowChecks;
  function today() { var d = new Date(Date.now() + 8 * 3600 * 1000); return d.toISOString().slice(0, 10); }
  var CHECKS = {  // each gives "" or the code of the check that failed
    id_number: C.idNumber, uscc: C.uscc, mobile: C.mobile, amount: C.amount,
    past_date: function (v, el) { return v <= (el.max || today()) ? "" : "date.future"; }
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
    var failed = CHECKS[kind](value, input), detail = failed.split(".")[1];
    show(input, failed ? input.getAttribute("data-msg-" + kind + "-" + detail) || input.getAttribute("data-msg-" + kind) : "");
    return !failed;
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
  function loadBirthplaces() {
    if (!document.querySelector("[data-check=id_number]") || !window.fetch) return;
    fetch("/intake/birthplaces.json").then(function (r) { return r.ok ? r.json() : null; })
      .then(function (table) { if (table) C.setBirthplaces(table); }).catch(function () { /* the server checks it */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    loadBirthplaces();
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
