// Millwright's pages work without this script; it adds live updates over Server-Sent Events.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-live");
  if (!url || !window.EventSource) { return; }
  var notice = document.getElementById("live-notice");
  var labels = {
    "work_order.created": "New work order",
    "work_order.updated": "Work order changed",
    "work_order.status_changed": "Work order status changed",
    "work_order.assigned": "Work order reassigned",
    "work_order.completed": "Work order completed",
    "request.created": "New request",
    "stock.low": "Stock below its minimum",
    "pm.generated": "PM work order generated"
  };
  var pending = null;

  // Re-reads this page and swaps in the parts marked data-live-reload, unless someone is typing in a form there.
  function refresh() {
    var regions = document.querySelectorAll("[data-live-reload]");
    if (regions.length === 0) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        regions.forEach(function (region) {
          if (region.id && !region.contains(document.activeElement)) {
            var replacement = fresh.getElementById(region.id);
            if (replacement) { region.innerHTML = replacement.innerHTML; }
          }
        });
      });
  }

  function show(name, data) {
    var text = labels[name] || name;
    if (data && data.number) { text += ": " + data.number; }
    notice.textContent = text;
    notice.hidden = false;
    body.setAttribute("data-last-event", name);
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  }

  var source = new EventSource(url);
  Object.keys(labels).forEach(function (name) {
    source.addEventListener(name, function (event) {
      var data = null;
      try { data = JSON.parse(event.data); } catch (ignored) { data = null; }
      show(name, data);
    });
  });
  source.addEventListener("open", function () { body.setAttribute("data-live-connected", "true"); });
}());

// The board: drag a card to a column its rules allow; the move goes through the same form a keyboard user submits.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var dragged = null;
  function allowed(card, column) {
    try { return JSON.parse(card.getAttribute("data-moves") || "[]").indexOf(column.getAttribute("data-status")) >= 0; }
    catch (ignored) { return false; }
  }
  function clear() {
    board.querySelectorAll(".board-column").forEach(function (column) { column.classList.remove("drop-ok", "drop-no"); });
  }
  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".card[draggable=true]") : null;
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
    board.querySelectorAll(".board-column").forEach(function (column) {
      column.classList.add(allowed(card, column) ? "drop-ok" : "drop-no");
    });
  });
  board.addEventListener("dragend", function () { dragged = null; clear(); });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (dragged && column && allowed(dragged, column)) { event.preventDefault(); }
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (!dragged || !column || !allowed(dragged, column)) { return; }
    event.preventDefault();
    var form = dragged.querySelector(".move-form");
    form.querySelector("select[name=to]").value = column.getAttribute("data-status");
    clear();
    form.submit();
  });
}());
