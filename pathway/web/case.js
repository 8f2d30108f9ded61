// pathway case pages: step through the case, mark the path on the diagram, quiz mode.
// It only shows, hides and marks elements the page already holds; it builds nothing from
// scenario text and loads nothing.
(function () {
  "use strict";
  var root = document.documentElement;
  var list = document.querySelector(".steps");
  if (!list) { return; }  // the casebook: nothing to step through
  root.classList.add("js");
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step"));
  var count = steps.length;
  var current = 1;
  var where = document.getElementById("where");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var quizToggle = document.getElementById("quiz-mode");
  var score = document.getElementById("score");
  var zoom = document.getElementById("zoom");
  var diagram = document.querySelector(".diagram");
  var points = 0;
  var asked = 0;

  function numbers(el, name) {
    var text = el.getAttribute(name);
    return text ? text.split(" ").map(Number) : [];
  }

  function hidden(n) {  // in quiz mode, a step not yet answered shows the case as it was before it
    var step = steps[n - 1];
    return root.classList.contains("quiz-on") && step.classList.contains("asks") && !step.classList.contains("answered");
  }

  function markDiagram(n) {
    var step = steps[n - 1];
    var here = step.getAttribute("data-state");
    if (hidden(n)) {
      here = step.getAttribute("data-from");
      n -= 1;
    }
    document.querySelectorAll(".diagram .node, .diagram .nodetext").forEach(function (el) {
      var first = el.getAttribute("data-first");
      el.classList.toggle("seen", first !== null && Number(first) <= n);
      el.classList.toggle("here", el.id === "d-node-" + here);
    });
    document.querySelectorAll(".diagram .edge, .diagram .label").forEach(function (el) {
      var taken = numbers(el, "data-steps");
      el.classList.toggle("seen", taken.some(function (s) { return s <= n; }));
      el.classList.toggle("current", taken.indexOf(n) >= 0);
      el.classList.toggle("blocked-now", numbers(el, "data-blocked").indexOf(n) >= 0);
    });
    document.querySelectorAll(".timeline .band").forEach(function (el) {
      var s = Number(el.getAttribute("data-step"));
      el.classList.toggle("seen", s <= n);
      el.classList.toggle("current", s === n);
    });
    var road = document.querySelector(".diagram .edge.current");
    if (road && diagram) {  // bring the current road to the middle of the pane
      var box = road.getBoundingClientRect();
      var view = diagram.getBoundingClientRect();
      diagram.scrollTop += (box.top + box.bottom) / 2 - (view.top + view.bottom) / 2;
      diagram.scrollLeft += (box.left + box.right) / 2 - (view.left + view.right) / 2;
    }
  }

  function show(n, push) {
    current = Math.max(1, Math.min(count, n));
    steps.forEach(function (el, i) { el.classList.toggle("current", i === current - 1); });
    where.textContent = "Step " + current + " of " + count;
    prev.disabled = current === 1;
    next.disabled = current === count;
    markDiagram(current);
    if (push !== false && location.hash !== "#step-" + current) {
      history.replaceState(null, "", "#step-" + current);
    }
  }

  function fromHash() {
    var m = /^#step-(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : 1;
  }

  function updateScore() {
    score.hidden = !quizToggle.checked;
    score.textContent = "Score: " + points + " of " + asked;
  }

  function answer(button) {
    var question = button.closest(".question");
    if (question.classList.contains("done")) { return; }
    question.classList.add("done");
    var option = button.getAttribute("data-option");
    var feedback = question.querySelector('.feedback[data-for="' + option + '"]');
    feedback.hidden = false;
    button.classList.add("chosen");
    question.querySelectorAll(".option").forEach(function (b) {
      b.disabled = true;
      var fb = question.querySelector('.feedback[data-for="' + b.getAttribute("data-option") + '"]');
      if (fb.getAttribute("data-credit") === "1") { b.classList.add("expected"); }
    });
    points += Number(feedback.getAttribute("data-credit"));
    asked += 1;
    updateScore();
    var step = question.closest(".step");
    var later = step.querySelector('.question[data-index="' + (Number(question.getAttribute("data-index")) + 1) + '"]');
    if (later) { later.hidden = false; }
    if (question.getAttribute("data-index") === "0") {
      step.classList.add("answered");
      markDiagram(current);
    }
  }

  steps.forEach(function (el) {
    if (el.querySelector(".quiz")) { el.classList.add("asks"); }
  });
  document.querySelectorAll(".option").forEach(function (b) {
    b.addEventListener("click", function () { answer(b); });
  });
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  quizToggle.addEventListener("change", function () {
    root.classList.toggle("quiz-on", quizToggle.checked);
    updateScore();
    markDiagram(current);
  });
  zoom.addEventListener("click", function () {
    diagram.classList.toggle("near");
    zoom.textContent = diagram.classList.contains("near") ? "Whole diagram" : "Closer";
    markDiagram(current);
  });
  document.querySelectorAll("button.more").forEach(function (b) {
    b.addEventListener("click", function () {
      var target = b.parentElement.nextElementSibling;
      while (target && !target.classList.contains("collapsed") && !target.classList.contains("shown")) {
        target = target.nextElementSibling;
      }
      if (!target) { return; }
      var open = target.classList.toggle("collapsed") === false;
      target.classList.toggle("shown", open);
      b.setAttribute("aria-expanded", String(open));
      b.textContent = open ? "hide" : b.getAttribute("data-label");
    });
    b.setAttribute("data-label", b.textContent);
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
  });
  window.addEventListener("hashchange", function () { show(fromHash(), false); });
  show(fromHash(), false);
})();
