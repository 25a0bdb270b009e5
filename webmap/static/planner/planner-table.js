/* The park page's editable parcel table: each row's form sends its changed
 * fields as PATCH JSON with the row's version and the CSRF header, then shows the
 * answer: saved, "changed meanwhile" with the current values (409), or the
 * server's message next to the field it names (422). No libraries. */
(function () {
  "use strict";

  var FIELDS = [
    "stage", "cleared_ha", "households_affected", "households_relocated",
    "target_date", "note"
  ];
  var table = document.getElementById("pl-parcels");
  if (!table) {
    return;
  }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";

  function text(key) {
    return table.getAttribute("data-msg-" + key) || "";
  }

  function control(form, name) {
    return form.elements.namedItem(name);
  }

  function original(el) {
    if (el.tagName === "SELECT") {
      for (var i = 0; i < el.options.length; i += 1) {
        if (el.options[i].defaultSelected) {
          return el.options[i].value;
        }
      }
      return el.options.length ? el.options[0].value : "";
    }
    return el.defaultValue;
  }

  /* The value to send: numbers as numbers, blanks as null; anything the
   * browser could not read is sent as typed, so the server names the field. */
  function valueOf(el) {
    var kind = el.getAttribute("data-kind");
    var raw = el.value.trim();
    if (kind === "number" || kind === "integer") {
      if (raw === "") {
        return kind === "integer" ? null : raw;
      }
      var n = Number(raw);
      return isFinite(n) ? n : raw;
    }
    if (kind === "date") {
      return raw === "" ? null : raw;
    }
    return el.value;
  }

  function changes(form) {
    var out = {};
    FIELDS.forEach(function (name) {
      var el = control(form, name);
      if (el && el.value !== original(el)) {
        out[name] = valueOf(el);
      }
    });
    return out;
  }

  function errorSpans(form) {
    var row = form.closest("tr");
    return row ? row.querySelectorAll(".pl-error") : [];
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(errorSpans(form), function (span) {
      span.textContent = "";
      span.hidden = true;
    });
    FIELDS.concat(["reason"]).forEach(function (name) {
      var el = control(form, name);
      if (el) {
        el.removeAttribute("aria-invalid");
      }
    });
  }

  function showFieldError(form, field, detail) {
    var found = false;
    Array.prototype.forEach.call(errorSpans(form), function (span) {
      if (span.getAttribute("data-error-for") === field) {
        span.textContent = detail;
        span.hidden = false;
        found = true;
      }
    });
    var el = control(form, field);
    if (el) {
      el.setAttribute("aria-invalid", "true");
      el.focus();
    }
    return found;
  }

  function setControl(el, value) {
    var shown = value === null || value === undefined ? "" : String(value);
    if (el.tagName === "SELECT") {
      for (var i = 0; i < el.options.length; i += 1) {
        var on = el.options[i].value === shown;
        el.options[i].defaultSelected = on;
        el.options[i].selected = on;
      }
      return;
    }
    el.defaultValue = shown;
    el.value = shown;
  }

  /* Show a clearance record in the row and make it the row's new baseline. */
  function apply(form, record) {
    FIELDS.forEach(function (name) {
      var el = control(form, name);
      if (el) {
        setControl(el, record[name]);
      }
    });
    form.setAttribute("data-version", String(record.version));
    var row = form.closest("tr");
    var updated = row.querySelector("[data-updated]");
    var by = row.querySelector("[data-updated-by]");
    if (updated) {
      updated.textContent = String(record.updated_at || "").slice(0, 19).replace("T", " ");
    }
    if (by) {
      by.textContent = record.updated_by || "";
    }
  }

  function describe(form, record) {
    return FIELDS.map(function (name) {
      var el = control(form, name);
      var label = el ? el.getAttribute("aria-label") : name;
      var value = record[name];
      if (el && el.tagName === "SELECT") {
        var option = Array.prototype.filter.call(el.options, function (o) {
          return o.value === value;
        })[0];
        value = option ? option.textContent : value;
      }
      return label + ": " + (value === null || value === "" ? "–" : value);
    }).join("; ");
  }

  function say(form, message, kind) {
    var box = form.querySelector(".pl-msg");
    box.textContent = message;
    box.className = "pl-msg" + (kind ? " pl-msg-" + kind : "");
  }

  function answered(form, status, body) {
    if (status === 200) {
      apply(form, body.clearance);
      control(form, "reason").value = "";
      say(form, body.audit ? text("saved") : text("unchanged"), "ok");
    } else if (status === 409 && body.current) {
      apply(form, body.current);
      say(form, text("conflict") + " " + describe(form, body.current) + ". " +
        text("conflict-hint"), "warn");
    } else if (status === 422 && body.field) {
      var placed = showFieldError(form, body.field, body.detail || "");
      say(form, placed ? text("invalid") : (body.detail || text("invalid")), "error");
    } else {
      var detail = body && body.detail ? " " + body.detail : "";
      say(form, text("failed").replace("{status}", String(status)) + detail, "error");
    }
  }

  function submit(event) {
    event.preventDefault();
    var form = event.currentTarget;
    clearErrors(form);
    var reasonEl = control(form, "reason");
    var body = {
      version: Number(form.getAttribute("data-version")),
      changes: changes(form),
      reason: reasonEl ? reasonEl.value : ""
    };
    if (!Object.keys(body.changes).length) {
      say(form, text("unchanged"), "");
      return;
    }
    var button = form.querySelector("button");
    button.disabled = true;
    say(form, text("saving"), "");
    fetch(form.getAttribute("data-url"), {
      method: "PATCH",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        answered(form, response.status, data);
      });
    }).catch(function () {
      say(form, text("offline"), "error");
    }).then(function () {
      button.disabled = false;
    });
  }

  Array.prototype.forEach.call(
    table.querySelectorAll("form.pl-row-form"),
    function (form) {
      form.addEventListener("submit", submit);
    }
  );
}());
