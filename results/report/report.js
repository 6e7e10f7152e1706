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
  if (document.readyState === 'complete') markCharts(); else window.addEventListener('load', markCharts);
  window.addEventListener('beforeprint', openDetails);
})();
