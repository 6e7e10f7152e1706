(function () {
  function markCharts() {
    var charts = document.querySelectorAll('svg.chart');
    var drawn = 0;
    for (var i = 0; i < charts.length; i++) {
      var r = charts[i].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) drawn++;
    }
    document.body.setAttribute('data-charts-total', String(charts.length));
    document.body.setAttribute('data-charts-rendered', String(drawn));
  }
  function openDetails() {
    var d = document.querySelectorAll('details');
    for (var i = 0; i < d.length; i++) d[i].open = true;
  }
  // The board paper: the decision box's bottom edge on the first screen (the browser test
  // reads it), the league table ranked by the chosen measure, and printing the two-page
  // summary alone (the button, or the page opened at #print-summary).
  function markDecision() {
    var box = document.querySelector('#decision .decision-box');
    if (box) document.body.setAttribute('data-decision-bottom', String(Math.round(box.getBoundingClientRect().bottom + window.scrollY)));
  }
  function rankLeague() {
    var select = document.querySelector('select[data-league="sort"]');
    var table = document.querySelector('table[data-league="table"]');
    if (!select || !table) return;
    var col = parseInt(select.value, 10) + 1;  // the rank and the plan's name come first
    var higher = table.tHead.rows[0].cells[col].getAttribute('data-higher-better') === '1';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function value(r) {
      var v = parseFloat(r.cells[col].getAttribute('data-value'));
      return isNaN(v) ? (higher ? -Infinity : Infinity) : v;
    }
    rows.sort(function (a, b) { return higher ? value(b) - value(a) : value(a) - value(b); });
    for (var i = 0; i < rows.length; i++) { rows[i].cells[0].textContent = String(i + 1); body.appendChild(rows[i]); }
  }
  function printSummary() {
    document.body.classList.add('print-summary');
    window.print();
  }
  window.addEventListener('afterprint', function () { if (location.hash !== '#print-summary') document.body.classList.remove('print-summary'); });
  var league = document.querySelector('select[data-league="sort"]');
  if (league) league.addEventListener('change', rankLeague);
  var button = document.querySelector('button[data-print="summary"]');
  if (button) button.addEventListener('click', printSummary);
  if (location.hash === '#print-summary') document.body.classList.add('print-summary');
  function loaded() { markCharts(); markDecision(); }
  if (document.readyState === 'complete') loaded(); else window.addEventListener('load', loaded);
  window.addEventListener('beforeprint', openDetails);
})();
