/* The intake form's field checks, the same as the server's (domain/identifiers.py, domain/intake.py):
   each returns "" when the value passes, else the code of the check that failed (the server's
   `errors[].code`). tests/api/test_identifier_parity.py feeds both the same cases under Node.js.
   The birthplace table (GB/T 2260 codes with the last year each was in use) comes from the server,
   /intake/birthplaces.json; until it has arrived the birthplace is left to the server. */
(function (root) {
  "use strict";
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], ID_CHECK = "10X98765432";
  var USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  var birthplaces = null;  // {code: last year in use}

  function trim(v) { return v.replace(/^\s+|\s+$/g, ""); }
  function setBirthplaces(table) { birthplaces = table; }
  function realDate(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    var dt = new Date(Date.UTC(2000, 0, 1));
    dt.setUTCFullYear(y, m - 1, d);
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  }
  function idNumber(v) {
    v = trim(v).toUpperCase();
    if (!/^[0-9]{17}[0-9X]$/.test(v)) return "id_number.format";
    if (!realDate(+v.slice(6, 10), +v.slice(10, 12), +v.slice(12, 14))) return "id_number.birth_date";
    var s = 0; for (var i = 0; i < 17; i++) s += +v[i] * ID_WEIGHTS[i];
    if (ID_CHECK[s % 11] !== v[17]) return "id_number.check_char";
    if (birthplaces) {
      var last = birthplaces[v.slice(0, 6)];
      if (last === undefined || last < +v.slice(6, 10)) return "id_number.birthplace";
    }
    return "";
  }
  function uscc(v) {
    v = trim(v).toUpperCase();
    if (v.length !== 18) return "uscc.format";
    for (var i = 0; i < 18; i++) if (USCC_CHARS.indexOf(v[i]) < 0) return "uscc.format";
    var s = 0; for (var j = 0; j < 17; j++) s += USCC_CHARS.indexOf(v[j]) * USCC_WEIGHTS[j];
    return USCC_CHARS[(31 - s % 31) % 31] === v[17] ? "" : "uscc.check_char";
  }
  function mobile(v) {
    v = trim(v).replace(/[\s-]/g, "");
    if (v.slice(0, 3) === "+86") v = v.slice(3);
    else if (v.slice(0, 2) === "86" && v.length === 13) v = v.slice(2);
    return /^1[3-9][0-9]{9}$/.test(v) ? "" : "mobile.format";
  }
  function amount(v) {
    if (!/^[0-9]{1,9}(\.[0-9]{1,2})?$/.test(trim(v))) return "amount.format";
    return "";
  }
  var checks = { idNumber: idNumber, uscc: uscc, mobile: mobile, amount: amount, setBirthplaces: setBirthplaces };
  if (typeof module !== "undefined" && module.exports) module.exports = checks;
  else root.LabourflowChecks = checks;
})(this);
