/* The journal grid: spreadsheet-like keyboard entry, one cell saved at a time without a reload.
 *
 * Markup (journal/grid.html, journal/finals.html):
 *   table[data-grid] with data-msg-* texts;
 *   thead th[data-url] — the save URL of the column, "{row}" standing for the student's id;
 *     optional data-kind / data-number are posted along (period marks);
 *   tbody tr[data-row=<student id>]; td[data-c] — a cell the cursor visits; td[data-e] — editable;
 *   td[data-avg] — the row's average, replaced by the server's answer.
 * Plain ES5 and XMLHttpRequest, so that an old school PC runs it.
 */
(function () {
  "use strict";

  var LATIN = "qwertyuiopasdfghjklzxcvbnm";
  var CYRILLIC = "йцукенгшщзфывапролдячсмить";

  function trim(text) {
    return (text || "").replace(/\s+/g, " ").replace(/^ | $/g, "");
  }

  /* A teacher who forgot to switch the keyboard layout typed "y" for "н", "jg" for "оп". */
  function fromLatinLayout(text) {
    if (!/[a-z]/i.test(text)) {
      return text;
    }
    var result = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i).toLowerCase();
      var at = LATIN.indexOf(ch);
      result += at >= 0 ? CYRILLIC.charAt(at) : text.charAt(i);
    }
    return result;
  }

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    if (headers) {
      try {
        return JSON.parse(headers)["X-CSRFToken"] || "";
      } catch (error) {
        /* fall through to the cookie */
      }
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function encode(fields) {
    var parts = [];
    for (var name in fields) {
      if (Object.prototype.hasOwnProperty.call(fields, name)) {
        parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(fields[name]));
      }
    }
    return parts.join("&");
  }

  function hasClass(element, name) {
    return (" " + element.className + " ").indexOf(" " + name + " ") >= 0;
  }

  function setClass(element, name, on) {
    var present = hasClass(element, name);
    if (on && !present) {
      element.className = trim(element.className + " " + name);
    } else if (!on && present) {
      element.className = trim((" " + element.className + " ").replace(" " + name + " ", " "));
    }
  }

  function Grid(table) {
    this.table = table;
    this.header = table.tHead ? table.tHead.rows[0] : null;
    this.status = document.getElementById("journal-grid-status");
    this.active = null;
    this.editing = null;
    var first = table.querySelector("tbody td[data-c]");
    if (first) {
      first.tabIndex = 0;
    }
    var grid = this;
    table.addEventListener("keydown", function (event) { grid.onKey(event); });
    table.addEventListener("mousedown", function (event) { grid.onPointer(event); });
    /* Text that arrives without key events (an input method, a phone keyboard, a test driver)
       lands in the active cell, which is contenteditable for that reason only. */
    table.addEventListener("beforeinput", function (event) { grid.onText(event); });
    table.addEventListener("input", function (event) { grid.onText(event); });
    table.addEventListener("dblclick", function (event) {
      var cell = grid.cellOf(event.target);
      if (cell && cell.hasAttribute("data-e")) {
        grid.startEdit(cell, grid.seenOf(cell));
      }
    });
  }

  Grid.prototype.message = function (name) {
    return this.table.getAttribute("data-msg-" + name) || "";
  };

  Grid.prototype.cellOf = function (node) {
    while (node && node !== this.table) {
      if (node.nodeName === "TD" && node.hasAttribute("data-c")) {
        return node;
      }
      node = node.parentNode;
    }
    return null;
  };

  Grid.prototype.seenOf = function (cell) {
    if (cell.seen === undefined) {
      cell.seen = trim(cell.textContent);
    }
    return cell.seen;
  };

  Grid.prototype.focusCell = function (cell) {
    if (!cell) {
      return;
    }
    if (this.active && this.active !== cell) {
      this.active.tabIndex = -1;
      this.active.removeAttribute("contenteditable");
    }
    cell.tabIndex = 0;
    if (cell.hasAttribute("data-e")) {
      cell.setAttribute("contenteditable", "true");
      cell.setAttribute("spellcheck", "false");
    }
    this.active = cell;
    cell.focus();
  };

  Grid.prototype.onText = function (event) {
    var cell = this.cellOf(event.target);
    if (!cell || this.editing || !cell.hasAttribute("contenteditable")) {
      return;
    }
    if (event.type === "beforeinput" && event.cancelable) {
      event.preventDefault();
    } else {
      cell.textContent = this.seenOf(cell);
    }
    var text = event.data ? trim(event.data) : "";
    if (text && (event.inputType || "insertText").indexOf("insert") === 0) {
      this.startEdit(cell, text);
    }
  };

  Grid.prototype.onPointer = function (event) {
    var cell = this.cellOf(event.target);
    if (!cell || (this.editing && this.editing.cell === cell)) {
      return;
    }
    if (this.editing) {
      this.commit();
    }
    /* A second tap on the chosen cell starts editing (phones have no keys to type into it). */
    if (cell === this.active && cell.hasAttribute("data-e")) {
      event.preventDefault();
      this.startEdit(cell, this.seenOf(cell));
      return;
    }
    event.preventDefault();
    this.focusCell(cell);
  };

  Grid.prototype.neighbour = function (cell, rows, columns, wrap) {
    var row = cell.parentNode;
    var cells = row.querySelectorAll("td[data-c]");
    var index = 0;
    while (index < cells.length && cells[index] !== cell) {
      index++;
    }
    if (columns) {
      var target = index + columns;
      if (target >= 0 && target < cells.length) {
        return cells[target];
      }
      if (!wrap) {
        return null;
      }
      var next = this.rowAt(row, columns > 0 ? 1 : -1);
      if (!next) {
        return null;
      }
      var others = next.querySelectorAll("td[data-c]");
      return columns > 0 ? others[0] : others[others.length - 1];
    }
    var other = this.rowAt(row, rows);
    return other ? other.querySelectorAll("td[data-c]")[index] || null : null;
  };

  Grid.prototype.rowAt = function (row, step) {
    var next = step > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (next && !next.hasAttribute("data-row")) {
      next = step > 0 ? next.nextElementSibling : next.previousElementSibling;
    }
    return next;
  };

  Grid.prototype.onKey = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var key = event.key;
    if (this.editing) {
      this.onEditKey(event, key);
      return;
    }
    var cell = this.cellOf(event.target);
    if (!cell) {
      return;
    }
    var moves = {
      ArrowUp: [-1, 0], Up: [-1, 0], ArrowDown: [1, 0], Down: [1, 0],
      ArrowLeft: [0, -1], Left: [0, -1], ArrowRight: [0, 1], Right: [0, 1], Enter: [1, 0]
    };
    if (moves[key]) {
      event.preventDefault();
      this.focusCell(this.neighbour(cell, moves[key][0], moves[key][1], false));
    } else if (key === "Tab") {
      var target = this.neighbour(cell, 0, event.shiftKey ? -1 : 1, true);
      if (target) {
        event.preventDefault();
        this.focusCell(target);
      }
    } else if (key === "Delete" || key === "Backspace" || key === "Del") {
      event.preventDefault();
      if (this.editable(cell)) {
        this.save(cell, "");
      }
    } else if ((key === "Escape" || key === "Esc") && hasClass(cell, "error")) {
      /* Give up a refused entry: the cell shows what is stored again. */
      event.preventDefault();
      cell.textContent = this.seenOf(cell);
      setClass(cell, "error", false);
      cell.removeAttribute("title");
    } else if (key === "F2") {
      event.preventDefault();
      if (this.editable(cell)) {
        this.startEdit(cell, this.seenOf(cell));
      }
    } else if (key && key.length === 1 && key !== " ") {
      event.preventDefault();
      if (this.editable(cell)) {
        this.startEdit(cell, key);
      }
    }
  };

  Grid.prototype.editable = function (cell) {
    if (cell.hasAttribute("data-e") && this.columnOf(cell)) {
      return true;
    }
    this.say(this.message("readonly"), false);
    return false;
  };

  Grid.prototype.onEditKey = function (event, key) {
    var cell = this.editing.cell;
    if (key === "Escape" || key === "Esc") {
      event.preventDefault();
      this.cancel();
    } else if (key === "Enter") {
      event.preventDefault();
      this.commit();
      this.focusCell(this.neighbour(cell, 1, 0, false) || cell);
    } else if (key === "Tab") {
      event.preventDefault();
      this.commit();
      this.focusCell(this.neighbour(cell, 0, event.shiftKey ? -1 : 1, true) || cell);
    } else if (key === "ArrowUp" || key === "Up" || key === "ArrowDown" || key === "Down") {
      event.preventDefault();
      this.commit();
      var step = key === "ArrowUp" || key === "Up" ? -1 : 1;
      this.focusCell(this.neighbour(cell, step, 0, false) || cell);
    }
  };

  Grid.prototype.startEdit = function (cell, text) {
    if (this.editing) {
      this.commit();
    }
    this.seenOf(cell);
    var input = document.createElement("input");
    input.type = "text";
    input.className = "jgrid-input";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", cell.parentNode.querySelector("th").textContent);
    input.value = text;
    this.editing = { cell: cell, input: input, before: cell.textContent };
    cell.textContent = "";
    cell.appendChild(input);
    setClass(cell, "editing", true);
    var grid = this;
    input.addEventListener("blur", function () {
      if (grid.editing && grid.editing.input === input) {
        grid.commit();
      }
    });
    input.focus();
    if (input.setSelectionRange) {
      input.setSelectionRange(text.length, text.length);
    }
  };

  Grid.prototype.finishEdit = function () {
    var editing = this.editing;
    this.editing = null;
    setClass(editing.cell, "editing", false);
    if (editing.input.parentNode) {
      editing.input.parentNode.removeChild(editing.input);
    }
    return editing;
  };

  Grid.prototype.cancel = function () {
    var editing = this.finishEdit();
    editing.cell.textContent = editing.before;
    this.focusCell(editing.cell);
  };

  Grid.prototype.commit = function () {
    var editing = this.finishEdit();
    var text = trim(fromLatinLayout(editing.input.value));
    editing.cell.textContent = text;
    this.save(editing.cell, text);
  };

  Grid.prototype.columnOf = function (cell) {
    var header = this.header && this.header.cells[cell.cellIndex];
    return header && header.getAttribute("data-url") ? header : null;
  };

  Grid.prototype.label = function (cell) {
    var name = cell.parentNode.querySelector("th");
    var header = this.header && this.header.cells[cell.cellIndex];
    var link = header && header.querySelector("a");
    var column = link ? link.textContent : header ? header.textContent : "";
    var who = trim(name ? name.textContent : "").replace(/^\d+\.\s*/, "");
    return who + ", " + trim(column) + ": ";
  };

  Grid.prototype.say = function (text, isError) {
    if (!this.status) {
      return;
    }
    this.status.textContent = text;
    setClass(this.status, "error", !!isError);
  };

  Grid.prototype.save = function (cell, text) {
    var column = this.columnOf(cell);
    if (!column) {
      return;
    }
    if (cell.busy) {
      cell.queued = text;
      cell.textContent = text;
      return;
    }
    var seen = this.seenOf(cell);
    if (text === seen && !hasClass(cell, "error")) {
      cell.textContent = seen;
      return;
    }
    cell.busy = true;
    cell.textContent = text;
    setClass(cell, "saving", true);
    var fields = { value: text, seen: seen };
    if (column.getAttribute("data-kind")) {
      fields.kind = column.getAttribute("data-kind");
      fields.number = column.getAttribute("data-number");
    }
    var url = column.getAttribute("data-url").replace("{row}", cell.parentNode.getAttribute("data-row"));
    var request = new XMLHttpRequest();
    var grid = this;
    request.open("POST", url, true);
    request.setRequestHeader("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.onreadystatechange = function () {
      if (request.readyState === 4) {
        grid.saved(cell, text, request);
      }
    };
    request.send(encode(fields));
  };

  Grid.prototype.saved = function (cell, text, request) {
    var answer = null;
    try {
      answer = JSON.parse(request.responseText);
    } catch (error) {
      answer = null;
    }
    cell.busy = false;
    setClass(cell, "saving", false);
    var label = this.label(cell);
    if (request.status === 200 && answer) {
      cell.seen = answer.text;
      setClass(cell, "error", false);
      cell.removeAttribute("title");
      if (answer.average !== undefined) {
        var average = cell.parentNode.querySelector("[data-avg]");
        if (average) {
          average.textContent = answer.average;
        }
      }
      if (cell.queued !== undefined) {
        var queued = cell.queued;
        cell.queued = undefined;
        this.save(cell, queued);
        return;
      }
      cell.textContent = answer.text;
      this.say(label + this.message("saved") + " " + (answer.text || "—"), false);
      return;
    }
    cell.queued = undefined;
    var message;
    if (request.status === 409 && answer) {
      /* Someone else changed the cell: show what is stored now, keep the typed text in the line. */
      cell.seen = answer.text;
      cell.textContent = answer.text;
      message = answer.error + " " + this.message("lost").replace("%(value)s", text || "—");
    } else if (request.status === 403) {
      message = (answer && answer.error) || this.message("forbidden");
    } else if (answer && answer.error) {
      message = answer.error;
    } else {
      message = this.message("network");
    }
    setClass(cell, "error", true);
    cell.title = message;
    this.say(label + message, true);
  };

  function start() {
    var tables = document.querySelectorAll("table[data-grid]");
    for (var i = 0; i < tables.length; i++) {
      tables[i].grid = new Grid(tables[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
