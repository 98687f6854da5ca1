// The gate desk's machine-readable zone field. A keyboard-wedge passport reader types each line of
// the zone followed by Enter; an officer may also paste the zone. Once the field holds a whole zone
// (three lines of 30, or two of 36 or 44 characters), it is read by the server and the person and
// document fields are filled from it; the zone itself is sent with the form and read again there.
(function () {
  var field = document.getElementById("mrz");
  var status = document.getElementById("mrz-status");
  if (!field) { return; }
  var lastRead = "";

  function lines() {
    return field.value.toUpperCase().split(/\r?\n/).map(function (line) {
      return line.replace(/\s+/g, "");
    }).filter(function (line) { return line.length > 0; });
  }

  function complete(zone) {
    if (zone.length === 3) { return zone.every(function (l) { return l.length === 30; }); }
    if (zone.length === 2) {
      return (zone[0].length === 36 && zone[1].length === 36) || (zone[0].length === 44 && zone[1].length === 44);
    }
    return false;
  }

  function set(id, value) {
    var input = document.getElementById(id);
    if (input && value !== null && value !== undefined) { input.value = value; }
  }

  function fill(read) {
    set("surname", read.surname);
    set("given_names", read.given_names);
    set("birth_date", read.birth_date);
    set("sex", read.sex);
    set("nationality", read.nationality);
    set("document_number", read.document_number);
    set("issuing_state", read.issuing_state);
    set("document_expiry", read.expiry_date);
    var code = (read.document_code || "").charAt(0);
    set("document_type", {P: "passport", I: "id_card", A: "id_card", C: "id_card", V: "visa"}[code] || "other");
  }

  function read() {
    var zone = lines();
    if (!complete(zone)) { return; }
    var text = zone.join("\n");
    if (text === lastRead) { return; }
    lastRead = text;
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch(field.getAttribute("data-mrz-parse"), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : ""},
      body: JSON.stringify({mrz: text})
    }).then(function (response) { return response.ok ? response.json() : null; }).then(function (result) {
      if (!result) { return; }
      fill(result);
      if (status) { status.textContent = result.valid ? "✓ " + result.format : "✗ " + result.errors.join("; "); }
      field.setAttribute("aria-invalid", result.valid ? "false" : "true");
      if (result.valid) {
        var next = document.getElementById("purpose");
        if (next) { next.focus(); }
      }
    });
  }

  field.addEventListener("input", read);
  field.addEventListener("keydown", function (event) {
    // The reader's last Enter must not start a new empty line once the zone is whole.
    if (event.key === "Enter" && complete(lines())) { event.preventDefault(); read(); }
  });
})();
